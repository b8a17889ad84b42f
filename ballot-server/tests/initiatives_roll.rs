//! Members who join after a support log opened (specs/initiatives.md
//! §5.2, verification.md 11.3 and 11.5), over real HTTP on SQLite and on
//! PostgreSQL: a second roll import appends `support.roll-add` to every
//! log that takes supports, the new member supports and is counted,
//! `required` stays the one fixed at opening, a removed member makes no
//! new support, and the verifier accepts the log and catches an add
//! moved before its member's roll-add.

mod common;
mod ini_common;

use common::*;
use ini_common::*;
use psephos_verifier::support::{check_support_log, SupportOptions};
use serde_json::json;

fn kinds(record: &[u8]) -> Vec<String> {
    record_entries(record)
        .iter()
        .map(|e| e.kind().to_string())
        .collect()
}

async fn joined_later(backend: Backend) {
    let ini = Ini::start(backend).await;
    // Half of the roll of 5 at opening: 3 supporters.
    ini.setup(json!({"share_bp": 5000}), 99_000).await;
    let s1 = ini.sign_in("m1").await;
    let s5 = ini.sign_in("m5").await;
    let id = ini.publish(&s1, proposal(BODY)).await;
    let page = format!("/initiatives/proposals/{id}");
    let support = json!({"version": 1});
    ini.post(&format!("{page}/support"), support.clone(), Some(&s1))
        .await
        .ok();
    // A draft has no log and gets nothing.
    let draft = ini
        .post("/initiatives/proposals", proposal(BODY), Some(&s1))
        .await
        .ok();

    // The second import: m6 and m7 join, m5 leaves.
    let roll = format!(
        "{}m6,m6@example.org\nm7,m7@example.org\n",
        ROLL.replace("m5,m5@example.org\n", "")
    );
    // One log takes supports (the draft has none): it grows.
    let answer = ini.import_roll(&roll).await.ok();
    assert_eq!(
        (answer["members"].clone(), answer["logs_grown"].clone()),
        (json!(6), json!(1))
    );
    let record = ini.log_record(&id).await;
    let entries = record_entries(&record);
    let last = entries.last().unwrap();
    assert_eq!(last.kind(), "support.roll-add");
    let payload = String::from_utf8(last.payload().to_vec()).unwrap();
    assert!(
        payload.starts_with(r#"{"members":["m6","m7"],"at":"#),
        "{payload}"
    );
    let key = ini.ts.app.board_key;
    let report = check_support_log(&record[..], &key, &SupportOptions::default());
    assert!(report.valid, "{}", report.to_text());
    assert_eq!(
        (report.roll_size, report.roll_added, report.required),
        (5, 2, 3)
    );
    // The same import again adds nothing, and says so.
    assert_eq!(ini.import_roll(&roll).await.ok()["logs_grown"], 0);
    assert_eq!(ini.log_record(&id).await, record);
    let draft_page = format!("/initiatives/proposals/{}", draft["id"].as_str().unwrap());
    assert_eq!(ini.get(&draft_page, Some(&s1)).await.ok()["state"], "draft");

    // m5 is off the roll: refused, nothing appended; m6 and m7 are counted.
    let r = ini
        .post(&format!("{page}/support"), support.clone(), Some(&s5))
        .await;
    assert_eq!((r.status, r.code()), (422, "member.unknown"));
    assert_eq!(ini.log_record(&id).await, record);
    let s6 = ini.sign_in("m6").await;
    let r = ini
        .post(&format!("{page}/support"), support.clone(), Some(&s6))
        .await
        .ok();
    assert_eq!(
        (r["support"]["count"].as_u64(), r["frozen"].as_bool()),
        (Some(2), Some(false))
    );
    assert_eq!(
        r["support"]["required"], 3,
        "required stays the one at opening"
    );
    let s7 = ini.sign_in("m7").await;
    let r = ini
        .post(&format!("{page}/support"), support.clone(), Some(&s7))
        .await
        .ok();
    assert_eq!(r["frozen"], true);

    // A frozen log takes no roll additions.
    let frozen = ini.log_record(&id).await;
    ini.import_roll(&format!("{roll}m8,m8@example.org\n"))
        .await
        .ok();
    assert_eq!(ini.log_record(&id).await, frozen);
    let opts = SupportOptions {
        member: Some("m6".into()),
        ..Default::default()
    };
    let report = check_support_log(&frozen[..], &key, &opts);
    assert!(report.valid, "{}", report.to_text());
    assert_eq!((report.count, report.required), (3, 3));
    let listed: Vec<&str> = report
        .member_entries
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(listed, ["support.roll-add", "support.add"]);

    // A dishonest server moves m6's add before m6's roll-add: 11.5.
    let mut entries = record_entries(&frozen);
    let ra = kinds(&frozen)
        .iter()
        .position(|k| k == "support.roll-add")
        .unwrap();
    let add6 = entries
        .iter()
        .position(|e| e.kind() == "support.add" && e.payload().starts_with(br#"{"member":"m6""#))
        .unwrap();
    let moved = entries.remove(add6);
    entries.insert(ra, moved);
    let report = check_support_log(&resign(&ini, &id, &entries)[..], &key, &Default::default());
    assert!(!report.valid);
    assert_eq!(report.failures[0].step, "11.5");
    assert_eq!(report.failures[0].index, Some(ra as u64));
    assert_eq!(report.failures[0].code.as_deref(), Some("member.unknown"));
    // One that re-adds a member already on the roll: 11.3.
    let mut entries = record_entries(&frozen);
    let again =
        psephos_board::Entry::new("support.roll-add", br#"{"members":["m1"],"at":1}"#).unwrap();
    entries.insert(ra + 1, again);
    let report = check_support_log(&resign(&ini, &id, &entries)[..], &key, &Default::default());
    assert_eq!(report.failures[0].step, "11.3");
    assert_eq!(report.failures[0].code.as_deref(), Some("support.roll_add"));
    ini.ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_joined_later_supports_and_is_counted_on_sqlite() {
    joined_later(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_joined_later_supports_and_is_counted_on_postgres() {
    joined_later(Backend::Postgres).await;
}

/// A member on the current roll whom a log does not know yet (an import
/// cut short before its roll additions) is added by their first support.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_support_adds_a_member_an_import_missed() {
    let ini = Ini::start(Backend::Sqlite).await;
    ini.setup(json!({"absolute": 3}), 99_000).await;
    let s1 = ini.sign_in("m1").await;
    let id = ini.publish(&s1, proposal(BODY)).await;
    // The roll replaced in the store only, as by a crash right after.
    let roll = format!("{ROLL}m9,m9@example.org\n");
    let members = psephos_trustee::roll::parse_roll(&roll).unwrap();
    ini.ts
        .app
        .initiatives
        .store
        .replace_members(&members)
        .await
        .unwrap();
    let before = kinds(&ini.log_record(&id).await);
    let s9 = ini.sign_in("m9").await;
    ini.post(
        &format!("/initiatives/proposals/{id}/support"),
        json!({"version": 1}),
        Some(&s9),
    )
    .await
    .ok();
    let record = ini.log_record(&id).await;
    let after = kinds(&record);
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(&after[before.len()..], ["support.roll-add", "support.add"]);
    let added = record_entries(&record)[before.len()].payload().to_vec();
    assert!(added.starts_with(br#"{"members":["m9"],"at":"#));
    let report = check_support_log(&record[..], &ini.ts.app.board_key, &Default::default());
    assert!(report.valid, "{}", report.to_text());
    assert_eq!((report.count, report.roll_added), (1, 1));
    ini.ts.running.stop().await;
}
