//! Sessions on the host: two or three tabs of one store over an in-memory channel and one
//! shared storage value, carrying out exactly what `Session` asks (store, erase, post,
//! notify) the way the browser wrapper does. Tabs converge on one cart, caps and arms
//! whatever the interleaving; a variant never changes once the visitor met it.

use proptest::prelude::*;
use std::collections::{BTreeMap, VecDeque};
use vitrin::json;
use vitrin::session::{ChangeCause, Session};
use vitrin::value::Value;
use vitrin::Engine;

/// The JSON text the engine answers, read back for the test's assertions.
fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const T0: f64 = 1_793_577_600_000.0;

/// What `Session::drain` answers, as each effect's one key and its value.
fn effects(text: &str) -> Vec<(String, Value)> {
    let list = json_of(text);
    let list = list.as_array().unwrap();
    list.iter()
        .map(|e| {
            let (key, v) = e.as_object().unwrap().iter().next().unwrap();
            (key.clone(), v.clone())
        })
        .collect()
}

fn catalog() -> Value {
    let products: Vec<Value> = (0..6).map(|i| json!({"id": format!("p{i}"), "title": format!("P{i}"), "category": "a/b", "price": 10 + i})).collect();
    json!({ "products": products })
}

/// A 50/50 experiment, one with a holdout, and a slot tweak per variant.
fn rules() -> Value {
    json!({"version": 1, "campaigns": [
        {"id": "exp", "trigger": {"type": "always"}, "priority": 2, "caps": {"perSession": 100, "perDay": 100},
         "variants": [{"id": "A", "weight": 1, "prompt": {"text": {"en": "A"}}}, {"id": "B", "weight": 1, "prompt": {"text": {"en": "B"}}}]},
        {"id": "held", "trigger": {"type": "always"}, "holdout": 30, "priority": 1, "caps": {"perSession": 100, "perDay": 100},
         "prompt": {"text": {"en": "H"}}}
    ]})
}

#[derive(Default)]
struct Shared {
    stored: Option<String>,
}

struct Tab {
    session: Session,
    /// Messages from each other tab, in the order it posted them (one BroadcastChannel
    /// delivers one sender's messages in order; different senders interleave freely).
    inbox: BTreeMap<usize, VecDeque<String>>,
    /// What each `change` told the page, in order.
    changes: Vec<ChangeCause>,
    errors: Vec<String>,
}

struct World {
    shared: Shared,
    tabs: Vec<Tab>,
    now: f64,
    next_id: usize,
}

impl World {
    fn new() -> World {
        World {
            shared: Shared::default(),
            tabs: Vec::new(),
            now: T0,
            next_id: 0,
        }
    }

    fn mint(&mut self) -> String {
        self.next_id += 1;
        format!("visitor-{:03}", self.next_id)
    }

    /// Opens a tab (a page load) with the page's freshly minted id and extra options.
    fn open(&mut self, extra: Value) -> usize {
        let mut options = json!({"catalog": catalog(), "rules": rules(), "localId": self.mint()});
        for (k, v) in extra.as_object().unwrap() {
            options[k] = v.clone();
        }
        let read_only = options
            .get("readOnly")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let engine = Engine::new(&options).unwrap();
        let session = Session::open(engine, Ok(self.shared.stored.clone()), true, read_only);
        self.tabs.push(Tab {
            session,
            inbox: BTreeMap::new(),
            changes: Vec::new(),
            errors: Vec::new(),
        });
        let i = self.tabs.len() - 1;
        self.settle(i);
        i
    }

    /// Carries out what tab `i` asks, as the wrapper does (flush and end-of-task are
    /// left to `flush` / `end_task`, which the page runs later).
    fn settle(&mut self, i: usize) {
        let _ = self.tabs[i].session.wants();
        for (what, v) in effects(&self.tabs[i].session.drain()) {
            let text = || v.as_str().unwrap().to_string();
            match what.as_str() {
                "store" => self.shared.stored = Some(text()),
                "erase" | "discard" => self.shared.stored = None,
                "post" => {
                    for (j, t) in self.tabs.iter_mut().enumerate().filter(|(j, _)| *j != i) {
                        let _ = j;
                        t.inbox.entry(i).or_default().push_back(text());
                    }
                }
                "change" => {
                    let causes = [
                        ChangeCause::Acted,
                        ChangeCause::Restored,
                        ChangeCause::Forgot,
                        ChangeCause::Identified,
                    ];
                    let cause = causes.into_iter().find(|c| c.name() == text()).unwrap();
                    self.tabs[i].changes.push(cause)
                }
                "error" => self.tabs[i]
                    .errors
                    .push(v["code"].as_str().unwrap().to_string()),
                other => panic!("unknown effect {other}"),
            }
        }
    }

    fn tick(&mut self) -> f64 {
        self.now += 1000.0;
        self.now
    }

    fn track(&mut self, i: usize, event: Value) {
        let now = self.tick();
        self.tabs[i].session.track(&event, now).unwrap();
        self.settle(i);
    }

    fn end_task(&mut self, i: usize) {
        self.tabs[i].session.end_task();
        self.settle(i);
    }

    fn flush(&mut self, i: usize) {
        self.tabs[i].session.flush();
        self.settle(i);
    }

    /// Delivers the oldest message from `from` to `to`, if any.
    fn deliver(&mut self, from: usize, to: usize) -> bool {
        let Some(msg) = self.tabs[to]
            .inbox
            .get_mut(&from)
            .and_then(VecDeque::pop_front)
        else {
            return false;
        };
        self.tabs[to].session.receive(&msg);
        self.settle(to);
        true
    }

    /// Ends every tab's task and delivers everything, until the channel is quiet.
    fn quiesce(&mut self) {
        loop {
            for i in 0..self.tabs.len() {
                self.end_task(i);
                self.flush(i);
            }
            let mut any = false;
            for to in 0..self.tabs.len() {
                for from in 0..self.tabs.len() {
                    while self.deliver(from, to) {
                        any = true;
                    }
                }
            }
            if !any {
                break;
            }
        }
    }

    /// The visitor's prompt in tab `i` now (recording the exposure), as `campaign:arm`.
    fn prompt(&mut self, i: usize) -> Option<String> {
        let now = self.tick();
        let p = self.tabs[i].session.engine_mut().prompts(now);
        self.settle(i);
        p.first().map(|p| p.id.clone())
    }

    fn variant(&self, i: usize, campaign: &str) -> String {
        json_of(
            &self.tabs[i]
                .session
                .engine()
                .explain(campaign, self.now)
                .unwrap(),
        )["variant"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn cart(&self, i: usize) -> BTreeMap<String, u64> {
        let state = json_of(&self.tabs[i].session.engine().state());
        state["cart"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["productId"].as_str().unwrap().to_string(),
                    l["quantity"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// What every tab must agree on: cart, caps (impressions, dismissals) and arms.
    fn converged_view(&self, i: usize) -> Value {
        let e = self.tabs[i].session.engine();
        let doc: Value = serde_json::from_str(&e.snapshot().unwrap()).unwrap();
        let v = &doc["visitor"];
        let caps: Vec<Value> = v["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| json!([c["id"], c["shown"], c["shownTotal"], c["dismissedAt"]]))
            .collect::<Vec<_>>();
        let mut caps = caps;
        caps.sort_by_key(|c| c[0].as_str().unwrap().to_string());
        let mut arms: Vec<Value> = v["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| json!([a["campaign"], a["arm"]]))
            .collect();
        arms.sort_by_key(|a| a[0].as_str().unwrap().to_string());
        json!({"cart": Value::from(serde_json::json!(self.cart(i))), "caps": caps, "arms": arms, "variants": [self.variant(i, "exp"), self.variant(i, "held")], "visitor": e.visitor_id()})
    }
}

fn add(p: &str, q: u32) -> Value {
    json!({"type": "add_to_cart", "productId": p, "quantity": q})
}

#[test]
fn two_tabs_share_cart_changes_in_one_message_per_task_and_forget_everywhere() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.flush(a);
    let b = w.open(json!({}));
    assert_eq!(
        w.tabs[a].session.engine().visitor_id(),
        w.tabs[b].session.engine().visitor_id(),
        "the second tab reads the first's visitor id"
    );
    for i in 0..10 {
        w.track(
            if i % 2 == 0 { a } else { b },
            add(&format!("p{}", i % 3), 1),
        );
    }
    assert_eq!(
        w.tabs[b].inbox.get(&a).map_or(0, |q| q.len()),
        0,
        "nothing is posted before the task ends"
    );
    w.end_task(a);
    w.end_task(b);
    assert_eq!(
        w.tabs[b].inbox[&a].len(),
        1,
        "a task's five events go as one message"
    );
    w.quiesce();
    assert_eq!(w.cart(a), w.cart(b));
    assert_eq!(w.cart(a).values().sum::<u64>(), 10);
    assert_eq!(
        w.tabs[b].changes,
        [ChangeCause::Acted],
        "one change, for the visitor's own acts"
    );

    let before = w.tabs[a].session.engine().visitor_id().to_string();
    w.tabs[a].session.forget("visitor-new");
    w.settle(a);
    assert_eq!(w.shared.stored, None, "forget erases storage");
    w.quiesce();
    assert!(w.cart(b).is_empty(), "and reaches the other tab");
    assert_eq!(w.tabs[b].changes.last(), Some(&ChangeCause::Forgot));
    assert_eq!(
        w.tabs[b].session.engine().visitor_id(),
        "visitor-new",
        "both tabs are the same new visitor"
    );
    assert_ne!(before, "visitor-new");
}

#[test]
fn a_tab_that_finds_storage_damaged_catches_up_from_the_others_and_calls_it_restored() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.track(a, add("p1", 2));
    w.end_task(a);
    w.quiesce();
    w.shared.stored = Some("{damaged".into());
    let b = w.open(json!({}));
    w.quiesce();
    assert_eq!(
        w.cart(b),
        w.cart(a),
        "b asked the open tab for its live state"
    );
    // A page's first paint held until the visitor acts must not end on this.
    assert_eq!(w.tabs[b].changes, [ChangeCause::Restored]);
    w.track(a, add("p2", 1));
    w.end_task(a);
    w.quiesce();
    assert_eq!(
        w.tabs[b].changes,
        [ChangeCause::Restored, ChangeCause::Acted]
    );
}

#[test]
fn a_flush_that_lands_after_another_tab_forgot_is_erased_when_the_forget_arrives() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.flush(a);
    let b = w.open(json!({}));
    w.track(b, add("p1", 2));
    w.end_task(b);
    w.quiesce();
    w.track(b, add("p2", 1));
    w.end_task(b);
    assert!(w.deliver(b, a), "a hears b's last change");
    w.tabs[a].session.forget("visitor-new");
    w.settle(a);
    assert_eq!(w.shared.stored, None, "forget erases storage");
    // b's flush was already due when a forgot: it writes the old visitor back...
    w.flush(b);
    assert!(w.shared.stored.is_some());
    // ...until the forget reaches b, which erases again.
    w.quiesce();
    assert!(w.cart(b).is_empty());
    assert_eq!(
        w.shared.stored, None,
        "nothing of the old visitor is left stored"
    );
}

#[test]
fn a_batch_still_on_the_way_when_a_tab_forgets_never_lands_in_the_new_visitor() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.flush(a);
    let b = w.open(json!({}));
    w.quiesce();
    let old = w.tabs[a].session.engine().visitor_id().to_string();
    // b adds to the cart and posts it; a forgets before the batch arrives.
    w.track(b, add("p1", 2));
    w.end_task(b);
    w.tabs[a].session.forget("visitor-zzz");
    w.settle(a);
    assert!(w.deliver(b, a), "b's batch reaches a after a forgot");
    assert!(
        w.cart(a).is_empty(),
        "the old visitor's cart stays forgotten"
    );
    assert_eq!(w.tabs[a].session.engine().visitor_id(), "visitor-zzz");
    w.quiesce();
    for t in [a, b] {
        assert!(w.cart(t).is_empty(), "tab {t}: nothing of the old visitor");
        assert_eq!(w.tabs[t].session.engine().visitor_id(), "visitor-zzz");
    }
    assert_ne!(old, "visitor-zzz");
}

#[test]
fn two_tabs_that_forget_at_once_become_one_new_visitor() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.flush(a);
    let b = w.open(json!({}));
    w.quiesce();
    w.tabs[a].session.forget("visitor-new-a");
    w.settle(a);
    w.tabs[b].session.forget("visitor-new-b");
    w.settle(b);
    w.track(b, add("p2", 1));
    w.quiesce();
    for t in [a, b] {
        assert_eq!(w.tabs[t].session.engine().visitor_id(), "visitor-new-a");
        assert_eq!(
            w.cart(t).get("p2"),
            Some(&1),
            "tab {t}: the new visitor's cart"
        );
    }
}

#[test]
fn a_variant_never_changes_once_met_profile_login_reload_or_second_tab() {
    // Over many visitors: the arm shown first is the arm after a profile with the
    // server's id, after a login, after a reload, and in a second tab.
    for n in 0..40 {
        let mut w = World::new();
        w.next_id = n * 10;
        let a = w.open(json!({}));
        let first = w.prompt(a).expect("the experiment speaks");
        let arm = first.split(':').nth(1).unwrap().to_string();
        w.tabs[a]
            .session
            .engine_mut()
            .set_profile(&json!({"visitorId": format!("server-{n}"), "updatedAt": T0}))
            .unwrap();
        assert_eq!(
            w.prompt(a).unwrap(),
            first,
            "visitor {n}: a profile with another id changes nothing"
        );
        w.tabs[a].session.identify(&format!("customer-{n}"));
        w.settle(a);
        assert_eq!(
            w.tabs[a].session.engine().visitor_id(),
            format!("customer-{n}")
        );
        assert_eq!(
            w.prompt(a).unwrap(),
            first,
            "visitor {n}: logging in changes nothing"
        );
        w.quiesce();
        let reload = w.open(json!({}));
        assert_eq!(
            w.variant(reload, "exp"),
            arm,
            "visitor {n}: a reload keeps the arm"
        );
        assert_eq!(w.prompt(reload).unwrap(), first);
        assert_eq!(
            w.tabs[reload].session.engine().visitor_id(),
            format!("customer-{n}"),
            "and the id"
        );
    }
}

#[test]
fn tabs_opened_at_once_settle_on_one_visitor_and_one_arm() {
    let mut w = World::new();
    let a = w.open(json!({}));
    let b = w.open(json!({})); // before `a` stored anything: another minted id
    assert_ne!(
        w.tabs[a].session.engine().visitor_id(),
        w.tabs[b].session.engine().visitor_id()
    );
    w.prompt(a);
    w.prompt(b);
    w.quiesce();
    assert_eq!(w.converged_view(a), w.converged_view(b));
}

#[test]
fn a_prompt_on_screen_stays_when_the_tabs_settle_on_one_id() {
    let mut w = World::new();
    let first = w.open(json!({}));
    let a = w.open(json!({})); // before `first` stored anything: a later minted id
    let id = w.prompt(a).expect("a prompt is due");
    let now = w.tick();
    w.tabs[a].session.prompt_action("shown", &id, now).unwrap();
    w.settle(a);
    let minted = w.tabs[a].session.engine().visitor_id().to_string();
    w.quiesce();
    let settled = w.tabs[a].session.engine().visitor_id().to_string();
    assert_ne!(minted, settled, "this tab took the other's id");
    assert_eq!(settled, w.tabs[first].session.engine().visitor_id());
    let now = w.tick();
    assert_eq!(
        w.tabs[a].session.engine_mut().withdrawal(now),
        None,
        "the same visitor: the prompt stays"
    );
}

#[test]
fn a_tab_that_found_storage_damaged_asks_the_others_and_keeps_its_own_events() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.track(a, add("p1", 2));
    w.quiesce();
    w.shared.stored = Some("{broken".into());
    let b = w.open(json!({}));
    assert_eq!(w.tabs[b].errors, ["storage_corrupt"]);
    assert_eq!(w.shared.stored, None, "the damaged value is removed");
    w.track(b, add("p2", 1));
    w.quiesce();
    assert_eq!(
        w.cart(b),
        BTreeMap::from([("p1".to_string(), 2), ("p2".to_string(), 1)]),
        "the other tab's cart and its own event"
    );
    assert_eq!(w.cart(a), w.cart(b));
    let stored: Value = serde_json::from_str(w.shared.stored.as_deref().unwrap()).unwrap();
    assert_eq!(stored["visitor"]["cart"].as_array().unwrap().len(), 2);
}

#[test]
fn a_read_only_tab_follows_but_never_writes_or_posts() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.track(a, add("p1", 1));
    w.quiesce();
    let stored = w.shared.stored.clone();
    let r = w.open(json!({"readOnly": true}));
    assert_eq!(w.cart(r), w.cart(a));
    w.track(r, add("p3", 5));
    w.prompt(r);
    w.quiesce();
    assert_eq!(w.shared.stored, stored, "nothing stored");
    assert!(!w.cart(a).contains_key("p3"), "nothing told");
    w.track(a, add("p2", 1));
    w.quiesce();
    assert!(w.cart(r).contains_key("p2"), "it follows the other tabs");
    // Its forget starts only its own view over; it goes on following.
    w.tabs[r].session.forget("visitor-preview");
    w.settle(r);
    w.track(a, add("p4", 1));
    w.quiesce();
    assert!(w.cart(a).contains_key("p1"), "the shop's visitor is kept");
    assert!(w.cart(r).contains_key("p4"), "it follows after its forget");
}

#[test]
fn withdrawing_consent_erases_and_stores_nothing_more() {
    let mut w = World::new();
    let a = w.open(json!({}));
    w.track(a, add("p1", 1));
    w.quiesce();
    assert!(w.shared.stored.is_some());
    w.tabs[a]
        .session
        .set_consent(&json!({"personalization": false}))
        .unwrap();
    w.settle(a);
    assert_eq!(w.shared.stored, None);
    w.track(a, add("p2", 1));
    w.quiesce();
    assert_eq!(w.shared.stored, None);
    let b = w.open(json!({"consent": {"personalization": false}}));
    w.quiesce();
    assert_eq!(
        w.shared.stored, None,
        "a tab without consent stores nothing either"
    );
    let _ = b;
}

#[derive(Debug, Clone)]
enum Op {
    Add(usize, usize, u32),
    Remove(usize, usize, Option<u32>),
    View(usize, usize),
    Prompt(usize),
    Shown(usize),
    Dismiss(usize),
    EndTask(usize),
    Deliver(usize, usize),
    Forget(usize),
}

fn op(tabs: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..tabs, 0..4usize, 1..3u32).prop_map(|(t, p, q)| Op::Add(t, p, q)),
        (0..tabs, 0..4usize, prop::option::of(1..3u32)).prop_map(|(t, p, q)| Op::Remove(t, p, q)),
        (0..tabs, 0..4usize).prop_map(|(t, p)| Op::View(t, p)),
        (0..tabs).prop_map(Op::Prompt),
        (0..tabs).prop_map(Op::Shown),
        (0..tabs).prop_map(Op::Dismiss),
        (0..tabs).prop_map(Op::EndTask),
        (0..tabs).prop_map(Op::Forget),
        (0..tabs, 0..tabs).prop_map(|(a, b)| Op::Deliver(a, b)),
        (0..tabs, 0..tabs).prop_map(|(a, b)| Op::Deliver(a, b)),
    ]
}

fn converge(tabs: usize, ops: Vec<Op>, opened_together: bool) -> Result<(), TestCaseError> {
    let mut w = World::new();
    for _ in 0..tabs {
        let i = w.open(json!({}));
        if !opened_together {
            w.flush(i);
        }
    }
    for op in ops {
        match op {
            Op::Add(t, p, q) => w.track(t, add(&format!("p{p}"), q)),
            Op::Remove(t, p, q) => {
                // A page removes what its cart shows.
                if w.cart(t).contains_key(&format!("p{p}")) {
                    let mut e = json!({"type": "remove_from_cart", "productId": format!("p{p}")});
                    if let Some(q) = q {
                        e["quantity"] = json!(q);
                    }
                    w.track(t, e);
                }
            }
            Op::View(t, p) => w.track(t, json!({"type": "view", "productId": format!("p{p}")})),
            Op::Prompt(t) => {
                w.prompt(t);
            }
            Op::Shown(t) | Op::Dismiss(t) => {
                if let Some(id) = w.prompt(t) {
                    let action = if matches!(op, Op::Shown(_)) {
                        "shown"
                    } else {
                        "dismiss"
                    };
                    let now = w.tick();
                    w.tabs[t].session.prompt_action(action, &id, now).unwrap();
                    w.settle(t);
                }
            }
            Op::EndTask(t) => w.end_task(t),
            Op::Forget(t) => {
                let id = w.mint();
                w.tabs[t].session.forget(&id);
                w.settle(t);
            }
            Op::Deliver(a, b) => {
                w.deliver(a, b);
            }
        }
    }
    w.quiesce();
    let first = w.converged_view(0);
    for t in 1..tabs {
        prop_assert_eq!(&w.converged_view(t), &first, "tab {} differs from tab 0", t);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn two_tabs_converge_on_cart_caps_and_arms(ops in prop::collection::vec(op(2), 1..60), together in any::<bool>()) {
        converge(2, ops, together)?;
    }

    #[test]
    fn three_tabs_converge_on_cart_caps_and_arms(ops in prop::collection::vec(op(3), 1..60), together in any::<bool>()) {
        converge(3, ops, together)?;
    }
}
