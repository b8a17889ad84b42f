//! Trustees over real HTTP: a cheating decryption share is refused and its
//! trustee named while t honest trustees complete the tally; a cheating
//! dealer is caught by a complaint and excluded; equivocation is refused;
//! and the independent credential authority's list is taken without any
//! private credential reaching the server.

mod common;

use common::*;
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use psephos_crypto::credential::CredentialCode;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_crypto::record::{CredentialEntry, CredentialList, ElectionResult};
use psephos_server::demo::drive::{members, roll_csv, Driver};
use psephos_trustee::credentials::issue;
use psephos_trustee::vault;
use psephos_trustee::wire::{CeremonyPhase, CredentialMode, Dealing, RoundState};
use rand_core::OsRng;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cheating_decryption_share_is_named_and_t_honest_complete() {
    let ts = start(Backend::Postgres, |_| {}).await;
    let r = open_round(&ts, small_questions(), 3, RevotePolicy::LastCounts).await;
    for i in 0..3 {
        let yes = i != 1;
        let bytes = r.ballot(i, &small_plain(yes, [i as u64, 5, 10])).to_bytes();
        ts.anon.cast(r.round(), bytes).await.unwrap();
    }
    r.driver.step("close").await.unwrap();
    r.driver.step("tally").await.unwrap();

    // Trustee 2 forges its share: one value shifted by G.
    let t2 = &r.driver.trustees[1];
    let (content, _) = vault::load(&t2.vault, &t2.passphrase).unwrap();
    let share = content.share.unwrap();
    let view = t2.client.tally().await.unwrap();
    let mut forged = share.decrypt(
        &view.tally.election_id,
        &view.tally.ciphertexts(),
        &mut OsRng,
    );
    forged.values[0].share += RISTRETTO_BASEPOINT_POINT;
    let e = t2.client.post_decryption(&forged).await.unwrap_err();
    assert_eq!(e.code(), Some("trustee.faulty"));
    assert_eq!(e.status(), Some(422));
    // Trustee 1 cannot post in trustee 2's name.
    let e = r.driver.trustees[0]
        .client
        .post_decryption(&forged)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("decryption.not_yours"));

    r.driver.trustees[0].decrypt().await.unwrap();
    r.driver.trustees[2].decrypt().await.unwrap();
    let status = r.driver.step("publish").await.unwrap();
    assert_eq!(status.state, RoundState::Published);
    let d = status.decryption.unwrap();
    assert_eq!(d.accepted, vec![1, 3]);
    assert_eq!(d.rejected.len(), 1);
    assert_eq!(d.rejected[0].trustee, 2);
    assert_eq!(d.rejected[0].code, "trustee.faulty");
    let result: ElectionResult =
        serde_json::from_slice(&ts.anon.result_bytes(r.round()).await.unwrap()).unwrap();
    let w: Vec<u64> = r.voters.iter().map(|v| v.member.weight).collect();
    assert_eq!(result.questions[0].totals, vec![w[0] + w[2], w[1], 0]);
    // No forged share is on the board.
    let page = ts.anon.entries(r.round(), 0, 100).await.unwrap();
    assert_eq!(
        page.entries
            .iter()
            .filter(|e| e.entry.kind() == "decryption")
            .count(),
        2
    );
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cheating_dealer_is_excluded_and_equivocation_refused() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let d = Driver::create(
        &ts.officer,
        draft("amv-dealer", small_questions(), RevotePolicy::LastCounts),
        3,
        2,
        ts.dir.path(),
    )
    .await
    .unwrap();
    for t in &d.trustees {
        t.announce().await.unwrap();
    }
    // Trustee 1 announcing another key is equivocation.
    let t1 = &d.trustees[0];
    let params = t1.client.ceremony().await.unwrap().parameters;
    let (_, other) =
        psephos_crypto::threshold::TrusteeSession::new(&params, 1, &mut OsRng).unwrap();
    assert_eq!(
        t1.client.announce(&other).await.unwrap_err().code(),
        Some("ceremony.equivocation")
    );
    // Dealing before the phase is refused by the trustee tool itself only
    // when announcements are missing; here every trustee announced.
    d.trustees[0].deal().await.unwrap();
    d.trustees[1].deal().await.unwrap();
    // Dealer 3 sends trustee 2 a corrupted share.
    let t3 = &d.trustees[2];
    let (content, _) = vault::load(&t3.vault, &t3.passphrase).unwrap();
    let session = content.session.unwrap();
    let view = t3.client.ceremony().await.unwrap();
    let mut shares = session
        .encrypt_shares(&view.announcements, &mut OsRng)
        .unwrap();
    let to2 = shares.iter_mut().find(|s| s.recipient == 2).unwrap();
    to2.ciphertext[0] ^= 1;
    let dealing = Dealing {
        commitments: session.commitments(&mut OsRng),
        shares,
    };
    t3.client.deal(&dealing).await.unwrap();
    // A second, different dealing is refused.
    let again = Dealing {
        commitments: session.commitments(&mut OsRng),
        shares: dealing.shares.clone(),
    };
    assert_eq!(
        t3.client.deal(&again).await.unwrap_err().code(),
        Some("ceremony.equivocation")
    );
    // Trustee 3's own vault has no record of that dealing; it checks its
    // shares from the raw session too.
    assert_eq!(d.trustees[0].check().await.unwrap(), 0);
    assert_eq!(
        d.trustees[1].check().await.unwrap(),
        1,
        "trustee 2 complains about dealer 3"
    );
    let mut s3 = session.clone();
    let v = t3.client.ceremony().await.unwrap();
    for sh in v.shares.iter().filter(|s| s.recipient == 3) {
        let c = v
            .commitments
            .iter()
            .find(|c| c.dealer == sh.dealer)
            .unwrap();
        assert!(s3.receive(c, sh, &mut OsRng).unwrap().is_none());
    }
    t3.client
        .complain(&psephos_trustee::wire::ComplaintList { complaints: vec![] })
        .await
        .unwrap();
    let view = ts.officer.officer_ceremony("amv-dealer").await.unwrap();
    assert_eq!(view.phase, CeremonyPhase::Complete);
    let outcome = view.outcome.unwrap();
    assert_eq!(outcome.qualified, vec![1, 2]);
    assert_eq!(outcome.disqualified[0].dealer, 3);
    d.trustees[0].finish().await.unwrap();
    d.trustees[1].finish().await.unwrap();
    let share3 = s3.finish(&outcome).unwrap();
    assert_eq!(share3.index(), 3);
    let (m, _) = d.freeze().await.unwrap();
    assert_eq!(m.election_key, outcome.joint_key);
    ts.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_credential_authority() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let mut dr = draft("amv-external", small_questions(), RevotePolicy::LastCounts);
    dr.credential_mode = CredentialMode::External;
    let d = Driver::create(&ts.officer, dr, 1, 1, ts.dir.path())
        .await
        .unwrap();
    d.ceremony().await.unwrap();
    let (_, stmt) = d.freeze().await.unwrap();
    let roll = members(4, |i| i as u64 + 1);
    ts.officer
        .import_roll(&d.round, &roll_csv(&roll))
        .await
        .unwrap();
    assert_eq!(
        code(ts.officer.generate_credentials(&d.round).await),
        "credentials.external_mode"
    );
    // The authority works offline from the election id and the roll.
    let (issued, list) = issue(&stmt.election_id, &roll, &mut OsRng);
    // A list that does not match the roll's weights is refused.
    let mut wrong = list.clone();
    wrong.credentials[0].weight += 1;
    assert_eq!(
        code(ts.officer.upload_credentials(&d.round, &wrong).await),
        "credentials.mismatch"
    );
    let bad = CredentialList::new(
        [9; 32],
        vec![CredentialEntry {
            credential: RISTRETTO_BASEPOINT_POINT,
            weight: 1,
        }],
    );
    assert_eq!(
        code(ts.officer.upload_credentials(&d.round, &bad).await),
        "ballot.shape"
    );
    ts.officer
        .upload_credentials(&d.round, &list)
        .await
        .unwrap();
    d.step("open").await.unwrap();
    // The public list on the board is the uploaded one.
    let on_board: CredentialList = serde_json::from_slice(
        &ts.anon
            .get_raw(&format!("/rounds/{}/credentials", d.round))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(on_board, list);
    let code0 = CredentialCode::parse(&issued[0].code).unwrap();
    let key = code0.signing_key(&stmt.election_id);
    let (b, _) = psephos_crypto::ballot::Ballot::cast(
        &stmt,
        &key,
        &small_plain(true, [1, 2, 3]),
        &mut OsRng,
    )
    .unwrap();
    ts.anon.cast(&d.round, b.to_bytes()).await.unwrap();
    ts.running.stop().await;
}
