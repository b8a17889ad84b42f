//! The roll import (bad rows reported by line, nothing imported) and
//! credential mails delivered to a tiny SMTP sink the test runs on
//! loopback.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use psephos_crypto::record::manifest::RevotePolicy;
use psephos_server::demo::drive::{members, roll_csv, Driver};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roll_with_bad_rows_is_refused_whole() {
    let ts = start(Backend::Sqlite, |_| {}).await;
    let o = &ts.officer;
    o.create_round(&draft(
        "amv-roll",
        small_questions(),
        RevotePolicy::LastCounts,
    ))
    .await
    .unwrap();
    let bad = "member_id,email,weight\n\
               m1,a@example.org,1\n\
               m2,not-an-address,1\n\
               m3,c@example.org,2\n\
               m4,d@example.org,0\n\
               m1,e@example.org,1\n";
    let e = o.import_roll("amv-roll", bad).await.unwrap_err();
    assert_eq!(e.code(), Some("roll.bad_lines"));
    assert_eq!(e.status(), Some(422));
    let psephos_trustee::client::ClientError::Api { lines, .. } = e else {
        panic!("expected an API error")
    };
    let numbers: Vec<u64> = lines.iter().map(|l| l.line).collect();
    assert_eq!(numbers, vec![3, 5, 6]);
    let status = o.round("amv-roll").await.unwrap();
    assert_eq!(status.roll, None, "nothing was imported");
    assert_eq!(
        code(o.import_roll("amv-roll", "id,mail\nx,y\n").await),
        "roll.bad_header"
    );
    let good = o
        .import_roll(
            "amv-roll",
            "member_id,email\nm1,a@example.org\nm2,b@example.org\n",
        )
        .await
        .unwrap();
    assert_eq!(good.members, 2);
    assert_eq!(good.total_weight, 2);
    ts.running.stop().await;
}

/// A minimal SMTP server collecting messages (loopback only).
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(std::mem::take(buf));
                            data = None;
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            buf.push_str(&line);
                            buf.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mails)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_mailed_with_booth_links() {
    let (port, mails) = smtp_sink().await;
    let ts = start(Backend::Sqlite, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.public_url = Some("https://vote.example.org".into());
    })
    .await;
    let d = Driver::create(
        &ts.officer,
        draft("amv-mail", small_questions(), RevotePolicy::LastCounts),
        1,
        1,
        ts.dir.path(),
    )
    .await
    .unwrap();
    d.ceremony().await.unwrap();
    d.freeze().await.unwrap();
    let roll = members(3, |_| 1);
    ts.officer
        .import_roll(&d.round, &roll_csv(&roll))
        .await
        .unwrap();
    let issued = ts.officer.generate_credentials(&d.round).await.unwrap();
    assert_eq!(issued.issued, 3);
    assert_eq!(issued.mailed, 3);
    // Handed out once only.
    assert_eq!(
        code(ts.officer.generate_credentials(&d.round).await),
        "credentials.exist"
    );
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 3);
    let mut reader = csv::Reader::from_reader(issued.csv.as_bytes());
    for rec in reader.records() {
        let rec = rec.unwrap();
        let (email, cred, link) = (&rec[1], &rec[3], &rec[4]);
        assert_eq!(
            link,
            format!("https://vote.example.org/booth/amv-mail#c={cred}")
        );
        let mail = mails
            .iter()
            .find(|m| m.contains(&format!("To: {email}")))
            .expect("a mail to every member");
        // Undo quoted-printable soft breaks and escapes.
        let body = mail.replace("=\n", "").replace("=3D", "=");
        assert!(
            body.contains(&format!("#c={cred}")),
            "the link carries the credential"
        );
    }
    ts.running.stop().await;
}
