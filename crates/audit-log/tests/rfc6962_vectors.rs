//! Table-driven tests over the shared RFC 6962 / RFC 9162 vectors (transparency-dev/merkle):
//! every inclusion and consistency probe, and the 8-leaf reference tree.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use audit_log::{Frontier, MerkleTree, leaf_hash, node_hash, verify_consistency, verify_inclusion};
use base64::Engine as _;
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/vectors/rfc6962/"
);

fn load(name: &str) -> Option<Value> {
    let path = format!("{DIR}{name}");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: ../shared not found");
        return None;
    };
    Some(serde_json::from_str(&text).unwrap())
}

fn b64(v: &Value) -> Vec<u8> {
    match v {
        Value::Null => Vec::new(),
        Value::String(s) => base64::engine::general_purpose::STANDARD.decode(s).unwrap(),
        other => panic!("not base64: {other}"),
    }
}

fn proof(v: &Value) -> Vec<Vec<u8>> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(b64).collect(),
        other => panic!("not a proof: {other}"),
    }
}

#[test]
fn inclusion_probes() {
    let Some(Value::Array(probes)) = load("inclusion_probes.json") else {
        return;
    };
    assert_eq!(probes.len(), 98);
    let (mut accepted, mut rejected) = (0, 0);
    for p in &probes {
        let result = verify_inclusion(
            p["leafIdx"].as_u64().unwrap(),
            p["treeSize"].as_u64().unwrap(),
            &b64(&p["leafHash"]),
            &proof(&p["proof"]),
            &b64(&p["root"]),
        );
        let want_err = p["wantErr"].as_bool().unwrap();
        assert_eq!(
            result.is_err(),
            want_err,
            "{} ({}): {result:?}",
            p["upstream_path"],
            p["desc"]
        );
        if want_err {
            rejected += 1
        } else {
            accepted += 1
        }
    }
    assert_eq!((accepted, rejected), (6, 92));
}

#[test]
fn consistency_probes() {
    let Some(Value::Array(probes)) = load("consistency_probes.json") else {
        return;
    };
    assert_eq!(probes.len(), 98);
    let (mut accepted, mut rejected) = (0, 0);
    for p in &probes {
        let result = verify_consistency(
            p["size1"].as_u64().unwrap(),
            p["size2"].as_u64().unwrap(),
            &b64(&p["root1"]),
            &b64(&p["root2"]),
            &proof(&p["proof"]),
        );
        let want_err = p["wantErr"].as_bool().unwrap();
        assert_eq!(
            result.is_err(),
            want_err,
            "{} ({}): {result:?}",
            p["upstream_path"],
            p["desc"]
        );
        if want_err {
            rejected += 1
        } else {
            accepted += 1
        }
    }
    assert_eq!((accepted, rejected), (6, 92));
}

#[test]
fn tree_8_leaves() {
    let Some(v) = load("tree_8_leaves.json") else {
        return;
    };
    let inputs: Vec<Vec<u8>> = v["leaf_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| hex::decode(s.as_str().unwrap()).unwrap())
        .collect();
    // Node hashes level by level.
    let levels = v["node_hashes_by_level"].as_array().unwrap();
    let mut level: Vec<[u8; 32]> = inputs.iter().map(|l| leaf_hash(l)).collect();
    for want in levels {
        let want: Vec<String> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(level.iter().map(hex::encode).collect::<Vec<_>>(), want);
        level = level
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| node_hash(&c[0], &c[1]))
            .collect();
    }
    // Roots by size, through the frontier and the full tree.
    let roots = v["root_hash_by_tree_size"].as_object().unwrap();
    let mut frontier = Frontier::new();
    let mut tree = MerkleTree::new();
    assert_eq!(hex::encode(frontier.root()), roots["0"].as_str().unwrap());
    for (i, input) in inputs.iter().enumerate() {
        frontier.push(leaf_hash(input));
        tree.push(leaf_hash(input));
        let want = roots[&(i + 1).to_string()].as_str().unwrap();
        assert_eq!(hex::encode(frontier.root()), want, "size {}", i + 1);
        assert_eq!(hex::encode(tree.root().unwrap()), want, "size {}", i + 1);
    }
    // Every proof the tree makes verifies against those roots.
    for size in 1..=8u64 {
        let root = tree.root_at(size).unwrap();
        for index in 0..size {
            let p = tree.inclusion_proof(index, size).unwrap();
            p.verify(&leaf_hash(&inputs[index as usize]), &root)
                .unwrap();
        }
        for old in 1..=size {
            let p = tree.consistency_proof(old, size).unwrap();
            p.verify(&tree.root_at(old).unwrap(), &root).unwrap();
        }
    }
    // Hasher vectors.
    for h in v["hasher_vectors"].as_array().unwrap() {
        let want = h["hash"].as_str().unwrap();
        let got = if let Some(leaf) = h.get("leaf_input_ascii") {
            leaf_hash(leaf.as_str().unwrap().as_bytes())
        } else if let Some(left) = h.get("left_ascii") {
            node_hash(
                left.as_str().unwrap().as_bytes(),
                h["right_ascii"].as_str().unwrap().as_bytes(),
            )
        } else {
            frontier_empty_root()
        };
        assert_eq!(hex::encode(got), want, "{}", h["desc"]);
    }
}

fn frontier_empty_root() -> [u8; 32] {
    Frontier::new().root()
}
