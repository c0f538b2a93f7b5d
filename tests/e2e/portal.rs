//! A Wayland desktop's global shortcuts, for the end-to-end suite: the real portal service, Debian's
//! `xdg-desktop-portal`, in front of a stand-in for the desktop's own part of it (the
//! `org.freedesktop.impl.portal.GlobalShortcuts` backend that KDE Plasma or GNOME provide, which needs their
//! compositor). The stand-in grants what it is asked with the keys the app would like, unless told to refuse once,
//! records each request, and "presses" the keys by sending the `Activated` signal, as the compositor does when the
//! user presses them. Both run on the private D-Bus session of `scripts/with-keyring.sh`.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::object_server::SignalEmitter;
use zbus::zvariant::{ObjectPath, OwnedObjectPath, OwnedValue, Value};

use crate::common;

/// The portal service as Debian installs it.
const FRONTEND: &str = "/usr/libexec/xdg-desktop-portal";
/// The stand-in's bus name, as its `.portal` file tells the service.
const BACKEND_NAME: &str = "org.freedesktop.impl.portal.desktop.twofoldtest";
/// Where portals serve their interfaces, the service and its backends alike.
const PATH: &str = "/org/freedesktop/portal/desktop";
/// The desktop name the `.portal` file is for (`XDG_CURRENT_DESKTOP`).
const DESKTOP: &str = "twofoldtest";

/// Whether the portal service is installed; skips (or, in strict mode, fails) when it is not.
pub fn can_run() -> bool {
    Path::new(FRONTEND).exists()
        || common::missing("The desktop portal service (xdg-desktop-portal)", "apt-get install xdg-desktop-portal")
            .is_some()
}

/// One shortcut as an app asked for it: its id and the keys it would like (XDG shortcuts notation).
pub type Asked = (String, Option<String>);

/// What the stand-in was asked and how it answers.
#[derive(Default)]
struct Record {
    asked: Vec<Asked>,
    /// The sessions the shortcuts were bound in, newest last.
    sessions: Vec<OwnedObjectPath>,
    refuse_next: bool,
}

/// The desktop's side of global shortcuts.
struct Backend(Arc<Mutex<Record>>);

/// The portal response codes: granted, and cancelled by the user.
const GRANTED: u32 = 0;
const CANCELLED: u32 = 1;

#[zbus::interface(name = "org.freedesktop.impl.portal.GlobalShortcuts")]
impl Backend {
    async fn create_session(
        &self,
        _handle: OwnedObjectPath,
        _session_handle: OwnedObjectPath,
        _app_id: String,
        _options: HashMap<String, OwnedValue>,
    ) -> (u32, HashMap<String, OwnedValue>) {
        (GRANTED, HashMap::new())
    }

    async fn bind_shortcuts(
        &self,
        _handle: OwnedObjectPath,
        session_handle: OwnedObjectPath,
        shortcuts: Vec<(String, HashMap<String, OwnedValue>)>,
        _parent_window: String,
        _options: HashMap<String, OwnedValue>,
    ) -> (u32, HashMap<String, OwnedValue>) {
        let mut record = self.0.lock().unwrap();
        if std::mem::take(&mut record.refuse_next) {
            return (CANCELLED, HashMap::new());
        }
        let mut granted: Vec<(String, HashMap<String, OwnedValue>)> = Vec::new();
        for (id, info) in shortcuts {
            let text = |key: &str| info.get(key).and_then(|v| String::try_from(v.try_clone().ok()?).ok());
            let preferred = text("preferred_trigger");
            let mut described = HashMap::new();
            described.insert("description".to_owned(), owned(text("description").unwrap_or_default()));
            // A desktop describes the keys in its own words; this one repeats those asked for.
            described.insert("trigger_description".to_owned(), owned(preferred.clone().unwrap_or_default()));
            granted.push((id.clone(), described));
            record.asked.push((id, preferred));
        }
        record.sessions.push(session_handle);
        (GRANTED, HashMap::from([("shortcuts".to_owned(), owned(granted))]))
    }

    async fn list_shortcuts(
        &self,
        _handle: OwnedObjectPath,
        _session_handle: OwnedObjectPath,
    ) -> (u32, HashMap<String, OwnedValue>) {
        (GRANTED, HashMap::new())
    }

    #[zbus(property)]
    fn version(&self) -> u32 {
        1
    }

    #[zbus(signal)]
    async fn activated(
        emitter: &SignalEmitter<'_>,
        session_handle: ObjectPath<'_>,
        shortcut_id: &str,
        timestamp: u64,
        options: HashMap<&str, Value<'_>>,
    ) -> zbus::Result<()>;
}

fn owned<'a>(value: impl Into<Value<'a>>) -> OwnedValue {
    OwnedValue::try_from(value.into()).expect("a value without file descriptors")
}

/// The portal service and the stand-in, running until dropped.
pub struct Desktop {
    bus: zbus::Connection,
    record: Arc<Mutex<Record>>,
    frontend: Child,
    _portals: tempfile::TempDir,
}

impl Desktop {
    /// Serves the stand-in, then starts the portal service with only it as a backend (in place of a service the
    /// bus may have started before), and waits until the service offers GlobalShortcuts.
    pub async fn start(log: &Path) -> Desktop {
        let record = Arc::new(Mutex::new(Record::default()));
        let bus = zbus::connection::Builder::session()
            .and_then(|b| b.name(BACKEND_NAME))
            .and_then(|b| b.serve_at(PATH, Backend(Arc::clone(&record))))
            .expect("the stand-in's connection")
            .build()
            .await
            .expect("the stand-in is on the session bus");
        let portals = tempfile::tempdir().expect("a folder for the .portal file");
        std::fs::write(
            portals.path().join("twofoldtest.portal"),
            format!(
                "[portal]\nDBusName={BACKEND_NAME}\nInterfaces=org.freedesktop.impl.portal.GlobalShortcuts;\nUseIn={DESKTOP}\n"
            ),
        )
        .expect("the .portal file");
        let log = std::fs::File::create(log).expect("the portal service's log");
        let frontend = Command::new(FRONTEND)
            .args(["--replace", "--verbose"])
            .env("XDG_DESKTOP_PORTAL_DIR", portals.path())
            .env("XDG_CURRENT_DESKTOP", DESKTOP)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log"))
            .stderr(log)
            .spawn()
            .expect("the portal service starts");
        let desktop = Desktop { bus, record, frontend, _portals: portals };
        let started = Instant::now();
        while !desktop.offers_global_shortcuts().await {
            assert!(started.elapsed() < Duration::from_secs(25), "the portal service offers no GlobalShortcuts");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        desktop
    }

    /// Whether the service started here (not one the bus started on demand) owns the portal's name and offers
    /// GlobalShortcuts. Nothing is asked of the name before it has its owner, so the bus starts no other service.
    async fn offers_global_shortcuts(&self) -> bool {
        let Ok(bus) = zbus::fdo::DBusProxy::new(&self.bus).await else { return false };
        let Ok(name) = zbus::names::BusName::try_from("org.freedesktop.portal.Desktop") else { return false };
        if !bus.name_has_owner(name.clone()).await.unwrap_or(false) {
            return false;
        }
        if bus.get_connection_unix_process_id(name).await.ok() != Some(self.frontend.id()) {
            return false;
        }
        let proxy = zbus::Proxy::new(
            &self.bus,
            "org.freedesktop.portal.Desktop",
            PATH,
            "org.freedesktop.portal.GlobalShortcuts",
        )
        .await;
        match proxy {
            Ok(proxy) => proxy.get_property::<u32>("version").await.is_ok(),
            Err(_) => false,
        }
    }

    /// Every shortcut asked for so far, in order.
    pub fn asked(&self) -> Vec<Asked> {
        self.record.lock().unwrap().asked.clone()
    }

    /// Waits until `count` shortcuts have been asked for, and returns them.
    pub async fn wait_asked(&self, count: usize) -> Vec<Asked> {
        let started = Instant::now();
        loop {
            let asked = self.asked();
            if asked.len() >= count {
                return asked;
            }
            assert!(started.elapsed() < Duration::from_secs(25), "the app asked for {asked:?}, not {count}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The next request is refused, as when the user closes the desktop's dialog.
    pub fn refuse_next(&self) {
        self.record.lock().unwrap().refuse_next = true;
    }

    /// The user presses the keys of shortcut `id`, bound last.
    pub async fn press(&self, id: &str) {
        let session = self.record.lock().unwrap().sessions.last().cloned().expect("a bound shortcut");
        let backend = self.bus.object_server().interface::<_, Backend>(PATH).await.expect("the stand-in");
        let timestamp =
            u64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis())
                .unwrap();
        Backend::activated(backend.signal_emitter(), session.as_ref(), id, timestamp, HashMap::new())
            .await
            .expect("the signal is sent");
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let _ = self.frontend.kill();
        let _ = self.frontend.wait();
    }
}
