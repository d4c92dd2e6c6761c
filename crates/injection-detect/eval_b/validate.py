import json, sys, collections
import os
d=os.path.dirname(os.path.abspath(__file__))+'/'
ATT={"system_override","role_hijack","prompt_leak","delimiter_injection","jailbreak","encoding_evasion","indirect_injection","exfiltration","tool_use"}
BEN={"hard_negative","ordinary"}
LANGS={"en","es","fr","de","it","pt","nl","pl","ru","ja","zh","tr","ar","ko"}
req=["text","label","category","lang","source","setting","note"]
seen={}; errs=0; stats={}
for name,label,cats in (('attacks.jsonl','attack',ATT),('benign.jsonl','benign',BEN)):
    rows=[]
    for i,line in enumerate(open(d+name,encoding='utf-8'),1):
        try: r=json.loads(line)
        except Exception as e: print(name,i,'bad json',e); errs+=1; continue
        probs=[]
        if set(r)!=set(req): probs.append(f'fields {sorted(r)}')
        if not all(isinstance(r.get(k),str) and r.get(k).strip() for k in req): probs.append('empty/non-str field')
        if r.get('label')!=label: probs.append('label')
        if r.get('category') not in cats: probs.append('category')
        if r.get('lang') not in LANGS: probs.append('lang')
        if r.get('source') not in ('user','untrusted'): probs.append('source')
        if r.get('setting') not in tuple('abcde'): probs.append('setting')
        t=r.get('text','')
        key=' '.join(t.lower().split())
        if key in seen: probs.append(f'duplicate of {seen[key]}')
        seen[key]=f'{name}:{i}'
        if probs: print(name,i,probs); errs+=1
        rows.append(r)
    n=len(rows)
    stats[name]=rows
    print(f'== {name}: {n} rows')
    for k in ('category','lang','source','setting'):
        print(' ',k,dict(sorted(collections.Counter(r[k] for r in rows).items(), key=lambda x:-x[1])))
    en=sum(r['lang']=='en' for r in rows); print(f'  english share {en/n:.1%}')
print('errors',errs); sys.exit(1 if errs else 0)
