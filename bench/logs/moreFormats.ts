/**
 * More synthetic formats, of the kinds of system that no masking rule or miner constant was written against:
 * Android logcat, pipe-delimited app logs, proxy connection logs, OpenStack-style request logs, Java/Scala
 * framework logs, Windows CBS servicing logs, ZooKeeper-style coordination logs and syslog with kernel
 * messages. Written from general knowledge of those formats before the miner was run on them, and not
 * adjusted to it afterwards. Each event is one log statement of the program; every value it prints is a
 * variable in the truth (a state name, an HRESULT's name, a unit that goes with the value), so that a value
 * drawn from a small set splits nothing. The skew is deliberate: a few frequent events, many rare ones (a
 * weight of 0.2 in about 100 is a handful of lines in 2,000), values with and without units, lists of any
 * length, optional variable fragments (a `*64` after a program name, a user and project in a request
 * context or dashes).
 */
import type { EventSpec, Gen } from './formats.ts';

const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');

// ---------------------------------------------------------------------------------------------------------
// Android logcat, whole lines: `MM-DD HH:MM:SS.mmm  pid  tid LEVEL Tag: message`.

function logcatHeader(g: Gen, pid: number, level: string, tag: string): string {
  return `${pad(1 + g.int(12))}-${pad(1 + g.int(28))} ${pad(g.int(24))}:${pad(g.int(60))}:${pad(g.int(60))}.${pad(g.int(1000), 3)}  ${pid}  ${pid + g.int(3000)} ${level} ${tag}`;
}
const SYSTEM_SERVER = 1702;
const PACKAGES = [
  'com.android.systemui',
  'com.android.settings',
  'com.google.android.gms',
  'com.example.mail',
  'com.example.maps',
  'com.tencent.mm',
  'com.android.phone',
  'com.example.camera',
  'com.android.chrome',
  'com.whatsapp',
  'com.spotify.music',
  'com.android.vending',
];
const ACTIVITIES = [
  '.MainActivity',
  '.SettingsActivity',
  '.ui.HomeActivity',
  '.LauncherActivity',
  '.Compose',
];
const lc = (g: Gen, level: string, tag: string, msg: string, pid = SYSTEM_SERVER) =>
  `${logcatHeader(g, pid, level, tag)}: ${msg}`;
const hexId = (g: Gen) => g.hex(5 + g.int(3));
const win = (g: Gen) => `Window{${hexId(g)} u0 ${g.pick(PACKAGES)}/${g.pick(PACKAGES)}${g.pick(ACTIVITIES)}}`;
const appPid = (g: Gen) => 2000 + g.int(28000);
const uidApp = (g: Gen) => `u0a${10 + g.int(300)}`;

export const logcat: EventSpec[] = [
  {
    weight: 14,
    template:
      '<*> <*> <*> <*> D PowerManagerService: acquire lock=<*>, flags=<*>, tag=<*>, name=<*>, ws=<*>, uid=<*>, pid=<*>',
    make: (g) =>
      lc(
        g,
        'D',
        'PowerManagerService',
        `acquire lock=${g.int(3e8)}, flags=0x${g.int(64).toString(16)}, tag="${g.pick(['*alarm*', 'WifiSuspend', 'RILJ', 'NetworkStats', 'AudioMix', '*job*/com.example.mail/.SyncService'])}", name=${g.pick(PACKAGES)}, ws=${g.rand() < 0.4 ? 'null' : `WorkSource{${10000 + g.int(300)}}`}, uid=${1000 + g.int(9000)}, pid=${appPid(g)}`,
      ),
  },
  {
    weight: 14,
    template:
      '<*> <*> <*> <*> D PowerManagerService: release:lock=<*>, flg=<*>, tag=<*>, name=<*>, ws=<*>, uid=<*>, pid=<*>',
    make: (g) =>
      lc(
        g,
        'D',
        'PowerManagerService',
        `release:lock=${g.int(3e8)}, flg=0x${g.int(4)}, tag="${g.pick(['*alarm*', 'WifiSuspend', 'RILJ', 'NetworkStats', 'AudioMix'])}", name=${g.pick(PACKAGES)}, ws=${g.rand() < 0.4 ? 'null' : `WorkSource{${10000 + g.int(300)}}`}, uid=${1000 + g.int(9000)}, pid=${appPid(g)}`,
      ),
  },
  {
    weight: 10,
    template: '<*> <*> <*> <*> I WindowManager: Changing focus from <*> to <*> Callers=<*>',
    make: (g) =>
      lc(
        g,
        'I',
        'WindowManager',
        `Changing focus from ${g.rand() < 0.2 ? 'null' : win(g)} to ${win(g)} Callers=com.android.server.wm.WindowManagerService.updateFocusedWindowLocked:${10000 + g.int(900)}`,
      ),
  },
  {
    weight: 8,
    template: '<*> <*> <*> <*> D DisplayPowerController: Animating brightness: target=<*>, rate=<*>',
    make: (g) =>
      lc(
        g,
        'D',
        'DisplayPowerController',
        `Animating brightness: target=${g.int(256)}, rate=${g.pick([40, 200])}`,
      ),
  },
  {
    weight: 6,
    template: '<*> <*> <*> <*> I ActivityManager: Start proc <*> for activity <*>',
    make: (g) => {
      const p = g.pick(PACKAGES);
      return lc(
        g,
        'I',
        'ActivityManager',
        `Start proc ${appPid(g)}:${p}/${uidApp(g)} for activity ${p}/${g.pick(ACTIVITIES)}`,
      );
    },
  },
  {
    weight: 5,
    template: '<*> <*> <*> <*> I ActivityManager: Displayed <*> <*>',
    make: (g) =>
      lc(
        g,
        'I',
        'ActivityManager',
        `Displayed ${g.pick(PACKAGES)}/${g.pick(ACTIVITIES)}: +${g.rand() < 0.6 ? `${g.int(999)}ms` : `${1 + g.int(4)}s${g.int(999)}ms`}`,
      ),
  },
  {
    weight: 5,
    template: '<*> <*> <*> <*> I ActivityManager: Killing <*> (adj <*>): <*>',
    make: (g) =>
      lc(
        g,
        'I',
        'ActivityManager',
        `Killing ${appPid(g)}:${g.pick(PACKAGES)}/${uidApp(g)} (adj ${g.pick([900, 906, 903, 700])}): ${g.rand() < 0.7 ? `empty #${17 + g.int(20)}` : 'remove task'}`,
      ),
  },
  {
    weight: 6,
    template:
      '<*> <*> <*> <*> D PhoneStatusBar: setSystemUiVisibility vis=<*> mask=<*> oldVal=<*> newVal=<*> diff=<*>',
    make: (g) =>
      lc(
        g,
        'D',
        'PhoneStatusBar',
        `setSystemUiVisibility vis=${g.hex(g.pick([1, 3, 8]))} mask=${g.pick(['ffffffff', '7', '1'])} oldVal=${g.hex(g.pick([1, 8]))} newVal=${g.hex(g.pick([1, 8]))} diff=${g.hex(g.pick([1, 8]))}`,
        3000 + g.int(100),
      ),
  },
  {
    weight: 4,
    template: '<*> <*> <*> <*> I chatty: uid=<*> <*> expire <*> lines',
    make: (g) =>
      lc(
        g,
        'I',
        'chatty',
        `uid=1000(system) ${g.pick(['Binder:1702_', 'android.bg', 'PowerManagerSer', 'ActivityManager'])}${g.int(9)} expire ${1 + g.int(40)} lines`,
      ),
  },
  {
    weight: 4,
    template: '<*> <*> <*> <*> V AudioManager: getStreamVolume streamType: <*> volume: <*>',
    make: (g) =>
      lc(g, 'V', 'AudioManager', `getStreamVolume streamType: ${g.int(10)} volume: ${g.int(16)}`, appPid(g)),
  },
  {
    weight: 3,
    template: '<*> <*> <*> <*> I Zygote: Process <*> exited due to signal (<*>)',
    make: (g) =>
      lc(g, 'I', 'Zygote', `Process ${appPid(g)} exited due to signal (${g.pick([9, 9, 6, 11])})`, 700),
  },
  {
    weight: 3,
    template: '<*> <*> <*> <*> D wpa_supplicant: wlan0: <*>',
    make: (g) =>
      lc(
        g,
        'D',
        'wpa_supplicant',
        `wlan0: ${g.pick(['CTRL-EVENT-SCAN-STARTED', 'CTRL-EVENT-SCAN-RESULTS', 'CTRL-EVENT-CONNECTED', 'CTRL-EVENT-DISCONNECTED'])}`,
        2710,
      ),
  },
  {
    weight: 2,
    template:
      '<*> <*> <*> <*> W PackageManager: Not granting permission <*> to package <*> (protectionLevel=<*> flags=<*>)',
    make: (g) =>
      lc(
        g,
        'W',
        'PackageManager',
        `Not granting permission android.permission.${g.pick(['READ_LOGS', 'WRITE_SECURE_SETTINGS', 'DUMP', 'PACKAGE_USAGE_STATS'])} to package ${g.pick(PACKAGES)} (protectionLevel=${g.pick([2, 18, 34])} flags=0x${g.hex(6)})`,
      ),
  },
  {
    weight: 2,
    template: '<*> <*> <*> <*> I SensorManager: registerListener :: <*>, <*>, <*>, <*>',
    make: (g) =>
      lc(
        g,
        'I',
        'SensorManager',
        `registerListener :: ${g.int(40)}, ${g.pick(['Proximity Sensor', 'Light sensor', 'BMI160 accelerometer', 'AK09911 magnetometer', 'Significant motion'])}, ${g.pick([200000, 66667, 20000])}, ${g.int(2)}`,
        appPid(g),
      ),
  },
  {
    weight: 1,
    template:
      '<*> <*> <*> <*> D BatteryService: level:<*>, scale:<*>, status:<*>, health:<*>, present:<*>, voltage: <*>, temperature: <*>',
    make: (g) =>
      lc(
        g,
        'D',
        'BatteryService',
        `level:${g.int(101)}, scale:100, status:${g.pick([2, 3, 5])}, health:2, present:true, voltage: ${3600 + g.int(700)}, temperature: ${250 + g.int(150)}`,
      ),
  },
  {
    weight: 1,
    template: '<*> <*> <*> <*> D KeyguardUpdateMonitor: handleBatteryUpdate',
    make: (g) => lc(g, 'D', 'KeyguardUpdateMonitor', 'handleBatteryUpdate', 3000 + g.int(100)),
  },
  {
    weight: 0.5,
    template: '<*> <*> <*> <*> I InputReader: Reconfiguring input devices. changes=<*>',
    make: (g) => lc(g, 'I', 'InputReader', `Reconfiguring input devices.  changes=0x${pad(g.int(100), 8)}`),
  },
  {
    weight: 0.3,
    template: '<*> <*> <*> <*> E AndroidRuntime: FATAL EXCEPTION: <*>',
    make: (g) =>
      lc(
        g,
        'E',
        'AndroidRuntime',
        `FATAL EXCEPTION: ${g.pick(['main', 'AsyncTask #1', 'OkHttp Dispatcher'])}`,
        appPid(g),
      ),
  },
  {
    weight: 0.3,
    template: '<*> <*> <*> <*> W ActivityManager: Timeout executing service: ServiceRecord{<*> <*> <*>}',
    make: (g) =>
      lc(
        g,
        'W',
        'ActivityManager',
        `Timeout executing service: ServiceRecord{${hexId(g)} u0 ${g.pick(PACKAGES)}/.SyncService}`,
      ),
  },
  {
    weight: 0.2,
    template:
      '<*> <*> <*> <*> I Choreographer: Skipped <*> frames! The application may be doing too much work on its main thread.',
    make: (g) =>
      lc(
        g,
        'I',
        'Choreographer',
        `Skipped ${30 + g.int(300)} frames!  The application may be doing too much work on its main thread.`,
        appPid(g),
      ),
  },
];

// ---------------------------------------------------------------------------------------------------------
// Pipe-delimited app logs: `timestamp|Component|pid|message` (a phone health app's own log).

const pipe = (g: Gen, component: string, msg: string) =>
  `2017${pad(1 + g.int(12))}${pad(1 + g.int(28))}-${g.int(24)}:${pad(g.int(60))}:${pad(g.int(60))}:${g.int(1000)}|${component}|${30002312 + g.int(3)}|${msg}`;
const dayMs = (g: Gen) => 1514000000000 + g.int(1e9);

export const pipeApp: EventSpec[] = [
  {
    weight: 20,
    template: '<*>|Step_LSC|<*>|onStandStepChanged <*>',
    make: (g) => pipe(g, 'Step_LSC', `onStandStepChanged ${g.int(9000)}`),
  },
  {
    weight: 12,
    template: '<*>|Step_LSC|<*>|onExtend:<*> <*> <*> <*>',
    make: (g) => pipe(g, 'Step_LSC', `onExtend:${dayMs(g)} ${g.int(20)} ${g.int(5000)} ${g.int(3)}`),
  },
  {
    weight: 10,
    template: '<*>|Step_SPUtils|<*>|getTodayTotalDetailSteps = <*>',
    make: (g) =>
      pipe(
        g,
        'Step_SPUtils',
        `getTodayTotalDetailSteps = ${dayMs(g)}##${g.int(9000)}##${g.int(600000)}##${g.int(9000)}##${g.int(20000)}##${g.int(3e7)}`,
      ),
  },
  {
    weight: 10,
    template: '<*>|Step_StandReportReceiver|<*>|onReceive action: <*>',
    make: (g) =>
      pipe(
        g,
        'Step_StandReportReceiver',
        `onReceive action: android.intent.action.${g.pick(['SCREEN_ON', 'SCREEN_OFF', 'TIME_TICK', 'USER_PRESENT'])}`,
      ),
  },
  {
    weight: 8,
    template: '<*>|Step_ExtSDM|<*>|calculateCaloriesWithCache totalCalories=<*>',
    make: (g) => pipe(g, 'Step_ExtSDM', `calculateCaloriesWithCache totalCalories=${g.int(200000)}`),
  },
  {
    weight: 8,
    template: '<*>|Step_ExtSDM|<*>|calculateAltitudeWithCache totalAltitude=<*>',
    make: (g) => pipe(g, 'Step_ExtSDM', `calculateAltitudeWithCache totalAltitude=${g.int(400)}`),
  },
  {
    weight: 6,
    template: '<*>|HiH_DataCacheManager|<*>|flushCache size=<*> cost=<*>',
    make: (g) =>
      pipe(g, 'HiH_DataCacheManager', `flushCache size=${g.size().replace(' ', '')} cost=${g.int(500)}ms`),
  },
  {
    weight: 5,
    template: '<*>|Step_LSC|<*>|REPORT : <*> <*> <*> <*>',
    make: (g) => pipe(g, 'Step_LSC', `REPORT : ${g.int(9000)} ${g.int(6000)} ${g.int(200000)} ${g.int(300)}`),
  },
  {
    weight: 4,
    template: '<*>|HiH_HiSyncControl|<*>|syncData start, syncType=<*>, dataTypes=<*>',
    make: (g) => {
      const n = 1 + g.int(5);
      const types = Array.from({ length: n }, () => 10000 + g.int(30)).join(',');
      return pipe(g, 'HiH_HiSyncControl', `syncData start, syncType=${g.int(3)}, dataTypes=[${types}]`);
    },
  },
  {
    weight: 3,
    template: '<*>|HiH_HiHealthDataInsertStore|<*>|saveHealthDetailData() size = <*>, cost time = <*>',
    make: (g) =>
      pipe(
        g,
        'HiH_HiHealthDataInsertStore',
        `saveHealthDetailData() size = ${1 + g.int(200)}, cost time = ${g.int(300)}`,
      ),
  },
  {
    weight: 1,
    template:
      '<*>|HiH_HiHealthDataInsertStore|<*>|insertHiHealthData() bulkSaveDetailHiHealthData fail errorCode = <*>,errorMessage = <*>',
    make: (g) =>
      pipe(
        g,
        'HiH_HiHealthDataInsertStore',
        `insertHiHealthData() bulkSaveDetailHiHealthData fail errorCode = ${g.pick([4, 7])},errorMessage = ${g.pick(['ERR_DATA_INSERT', 'ERR_DATA_VALIDATOR'])}`,
      ),
  },
  {
    weight: 1,
    template: '<*>|Step_NotificationUtil|<*>|notifyMsg remoteView: <*> steps <*>',
    make: (g) => pipe(g, 'Step_NotificationUtil', `notifyMsg remoteView: ${g.int(2)} steps ${g.int(9000)}`),
  },
  {
    weight: 0.5,
    template: '<*>|HiH_HiAppUtil|<*>|getAppInfo() packageName = <*> appId = <*>',
    make: (g) =>
      pipe(g, 'HiH_HiAppUtil', `getAppInfo() packageName = ${g.pick(PACKAGES)} appId = ${1 + g.int(40)}`),
  },
  {
    weight: 0.3,
    template: '<*>|Step_SPUtils|<*>|setWriteDBTimestamp: <*>',
    make: (g) => pipe(g, 'Step_SPUtils', `setWriteDBTimestamp: ${dayMs(g)}`),
  },
  {
    weight: 0.2,
    template: '<*>|HiH_HiBroadcastUtil|<*>|sendSyncFailedBroadcast errorCode=<*>',
    make: (g) => pipe(g, 'HiH_HiBroadcastUtil', `sendSyncFailedBroadcast errorCode=${g.pick([1, 5, 12])}`),
  },
];

// ---------------------------------------------------------------------------------------------------------
// Proxy connection logs: program, host:port, byte counts with units, lifetimes.

const PROGRAMS = [
  'chrome.exe',
  'firefox.exe',
  'Dropbox.exe',
  'OneDrive.exe',
  'svchost.exe',
  'Teams.exe',
  'outlook.exe',
  'git-remote-https.exe',
  'Code.exe',
  'Slack.exe',
  'java.exe',
  'python.exe',
];
const SITES = [
  'www.google.com',
  'mail.example.com',
  'clients4.google.com',
  'api.github.com',
  'update.microsoft.com',
  'cdn.example.net',
  'login.live.com',
  'd.dropbox.com',
  'slack.com',
  'outlook.office365.com',
];
const PROXY = 'proxy.corp.example.com:5070';
const program = (g: Gen) => `${g.pick(PROGRAMS)}${g.rand() < 0.3 ? ' *64' : ''}`;
const target = (g: Gen) =>
  g.rand() < 0.8
    ? `${g.pick(SITES)}:${g.pick([443, 443, 80, 5228])}`
    : `${g.ip()}:${g.pick([443, 80, 8080])}`;
const human = (bytes: number) =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(2)} KB`
      : `${(bytes / 1048576).toFixed(2)} MB`;
const bytes = (g: Gen) => Math.floor(10 ** (1 + g.rand() * 6));
const lifetime = (g: Gen) => {
  const s = Math.floor(10 ** (g.rand() * 4));
  if (s < 1) return '<1 sec';
  if (g.rand() < 0.2) return '<1 sec';
  return s < 3600
    ? `${pad(Math.floor(s / 60))}:${pad(s % 60)}`
    : `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
};

export const proxy: EventSpec[] = [
  {
    weight: 30,
    template: '<*> - <*> open through proxy <*> HTTPS',
    make: (g) => `${program(g)} - ${target(g)} open through proxy ${PROXY} HTTPS`,
  },
  {
    weight: 28,
    template: '<*> - <*> close, <*> sent, <*> received, lifetime <*>',
    make: (g) => {
      const s = bytes(g);
      const r = bytes(g);
      return `${program(g)} - ${target(g)} close, ${s} bytes${s >= 1024 ? ` (${human(s)})` : ''} sent, ${r} bytes${r >= 1024 ? ` (${human(r)})` : ''} received, lifetime ${lifetime(g)}`;
    },
  },
  {
    weight: 8,
    template: '<*> - <*> open through proxy <*> SOCKS5',
    make: (g) => `${program(g)} - ${target(g)} open through proxy ${PROXY} SOCKS5`,
  },
  {
    weight: 5,
    template:
      '<*> - <*> error : Could not connect through proxy <*> - Proxy server cannot establish a connection with the target, status code <*>',
    make: (g) =>
      `${program(g)} - ${target(g)} error : Could not connect through proxy ${PROXY} - Proxy server cannot establish a connection with the target, status code ${g.pick([403, 502, 503])}`,
  },
  {
    weight: 3,
    template: '<*> - <*> error : A connection request was canceled before the completion.',
    make: (g) =>
      `${program(g)} - ${target(g)} error : A connection request was canceled before the completion.`,
  },
  {
    weight: 2,
    template: '<*> - <*> error : Could not connect to proxy <*> - connection attempt failed with error <*>',
    make: (g) =>
      `${program(g)} - ${target(g)} error : Could not connect to proxy ${PROXY} - connection attempt failed with error ${g.pick([10060, 10061, 10051])}`,
  },
  {
    weight: 2,
    template: '<*> - <*> resolve via proxy, took <*>',
    make: (g) => `${program(g)} - ${g.pick(SITES)} resolve via proxy, took ${g.int(400)} ms`,
  },
  {
    weight: 1,
    template: 'Traffic: <*> sent, <*> received in <*> connections, <*> active',
    make: (g) => {
      const s = bytes(g) * 100;
      const r = bytes(g) * 100;
      return `Traffic: ${human(s)} sent, ${human(r)} received in ${g.int(3000)} connections, ${g.int(60)} active`;
    },
  },
  {
    weight: 0.4,
    template: 'Proxy <*> is not responding, switching to <*>',
    make: () => `Proxy ${PROXY} is not responding, switching to proxy2.corp.example.com:5070`,
  },
  {
    weight: 0.3,
    template: 'Rule <*> matched <*> (<*>)',
    make: (g) =>
      `Rule "${g.pick(['Localhost', 'Default', 'Corp direct'])}" matched ${target(g)} (${g.pick(PROGRAMS)})`,
  },
  {
    weight: 0.2,
    template: 'Welcome to Proxifier v<*>',
    make: (g) => `Welcome to Proxifier v${3 + g.int(2)}.${g.int(9)}${g.int(9)}`,
  },
];

// ---------------------------------------------------------------------------------------------------------
// OpenStack-style request logs: logger, `[req-UUID user project - - -]`, instance UUIDs, HTTP status lines,
// JSON-ish payloads.

const hex32 = (g: Gen) => g.hex(32);
const ctx = (g: Gen) => `[req-${g.uuid()} ${hex32(g)} ${hex32(g)} - - -]`;
const periodic = (g: Gen) => `[req-${g.uuid()} - - - - -]`;
const inst = (g: Gen) => `[instance: ${g.uuid()}]`;
const osIp = (g: Gen) => `10.11.${g.int(20)}.${g.int(255)}`;

export const openstack: EventSpec[] = [
  {
    weight: 25,
    template: 'nova.osapi_compute.wsgi.server <*> <*> "GET <*> HTTP/1.1" status: <*> len: <*> time: <*>',
    make: (g) =>
      `nova.osapi_compute.wsgi.server ${ctx(g)} ${osIp(g)} "GET /v2/${hex32(g)}/servers/detail${g.rand() < 0.5 ? '' : `?changes-since=2017-05-16T${pad(g.int(24))}:${pad(g.int(60))}:${pad(g.int(60))}.${g.int(999999)}%2B00:00`} HTTP/1.1" status: ${g.pick([200, 200, 200, 404])} len: ${1000 + g.int(2000)} time: ${(g.rand() * 0.5).toFixed(7)}`,
  },
  {
    weight: 6,
    template: 'nova.osapi_compute.wsgi.server <*> <*> "POST <*> HTTP/1.1" status: <*> len: <*> time: <*>',
    make: (g) =>
      `nova.osapi_compute.wsgi.server ${ctx(g)} ${osIp(g)} "POST /v2/${hex32(g)}/os-server-external-events HTTP/1.1" status: 200 len: ${300 + g.int(200)} time: ${(g.rand() * 0.2).toFixed(7)}`,
  },
  {
    weight: 5,
    template: 'nova.osapi_compute.wsgi.server <*> <*> "DELETE <*> HTTP/1.1" status: <*> len: <*> time: <*>',
    make: (g) =>
      `nova.osapi_compute.wsgi.server ${ctx(g)} ${osIp(g)} "DELETE /v2/${hex32(g)}/servers/${g.uuid()} HTTP/1.1" status: 204 len: ${200 + g.int(100)} time: ${(g.rand() * 0.4).toFixed(7)}`,
  },
  {
    weight: 8,
    template: 'nova.compute.manager <*> <*> VM <*> (Lifecycle Event)',
    make: (g) =>
      `nova.compute.manager ${periodic(g)} ${inst(g)} VM ${g.pick(['Started', 'Stopped', 'Paused', 'Resumed'])} (Lifecycle Event)`,
  },
  {
    weight: 5,
    template: 'nova.compute.manager <*> <*> Took <*> seconds to spawn the instance on the hypervisor.',
    make: (g) =>
      `nova.compute.manager ${ctx(g)} ${inst(g)} Took ${(g.rand() * 30).toFixed(2)} seconds to spawn the instance on the hypervisor.`,
  },
  {
    weight: 5,
    template: 'nova.compute.manager <*> <*> Took <*> seconds to build instance.',
    make: (g) =>
      `nova.compute.manager ${ctx(g)} ${inst(g)} Took ${(g.rand() * 30).toFixed(2)} seconds to build instance.`,
  },
  {
    weight: 5,
    template: 'nova.compute.claims <*> <*> Attempting claim: memory <*> MB, disk <*> GB, vcpus <*> CPU',
    make: (g) =>
      `nova.compute.claims ${ctx(g)} ${inst(g)} Attempting claim: memory ${g.pick([512, 2048, 4096])} MB, disk ${g.pick([1, 20, 40])} GB, vcpus ${g.pick([1, 2, 4])} CPU`,
  },
  {
    weight: 5,
    template: 'nova.compute.claims <*> <*> Total memory: <*> MB, used: <*> MB',
    make: (g) =>
      `nova.compute.claims ${ctx(g)} ${inst(g)} Total memory: 64172 MB, used: ${(512 + g.int(8) * 512).toFixed(2)} MB`,
  },
  {
    weight: 5,
    template: 'nova.compute.claims <*> <*> Claim successful',
    make: (g) => `nova.compute.claims ${ctx(g)} ${inst(g)} Claim successful`,
  },
  {
    weight: 4,
    template: 'nova.virt.libvirt.imagecache <*> image <*> at (<*>): checking',
    make: (g) =>
      `nova.virt.libvirt.imagecache ${periodic(g)} image ${g.uuid()} at (/var/lib/nova/instances/_base/${g.hex(40)}): checking`,
  },
  {
    weight: 4,
    template:
      'nova.compute.resource_tracker <*> Final resource view: name=<*> phys_ram=<*> used_ram=<*> phys_disk=<*> used_disk=<*> total_vcpus=<*> used_vcpus=<*> pci_stats=<*>',
    make: (g) =>
      `nova.compute.resource_tracker ${periodic(g)} Final resource view: name=cp-${1 + g.int(3)}.cloud.example.org phys_ram=64172MB used_ram=${512 * (1 + g.int(20))}MB phys_disk=15GB used_disk=${g.int(15)}GB total_vcpus=16 used_vcpus=${g.int(16)} pci_stats=[]`,
  },
  {
    weight: 3,
    template: 'nova.compute.manager <*> <*> Terminating instance',
    make: (g) => `nova.compute.manager ${ctx(g)} ${inst(g)} Terminating instance`,
  },
  {
    weight: 3,
    template: 'nova.virt.libvirt.driver <*> <*> Deleting instance files <*>',
    make: (g) => {
      const id = g.uuid();
      return `nova.virt.libvirt.driver ${ctx(g)} [instance: ${id}] Deleting instance files /var/lib/nova/instances/${id}_del`;
    },
  },
  {
    weight: 3,
    template: 'nova.compute.manager <*> <*> Received event network-vif-plugged-<*> for instance',
    make: (g) =>
      `nova.compute.manager ${ctx(g)} ${inst(g)} Received event network-vif-plugged-${g.uuid()} for instance`,
  },
  {
    weight: 1,
    template: 'nova.metadata.wsgi.server <*> <*> "GET <*> HTTP/1.1" status: <*> len: <*> time: <*>',
    make: (g) =>
      `nova.metadata.wsgi.server ${periodic(g)} ${osIp(g)},10.11.21.${g.int(255)} "GET /openstack/2013-10-17/${g.pick(['meta_data.json', 'vendor_data.json', 'user_data'])} HTTP/1.1" status: ${g.pick([200, 404])} len: ${100 + g.int(900)} time: ${(g.rand() * 0.3).toFixed(7)}`,
  },
  {
    weight: 1,
    template: 'glance.registry.api.v1.images <*> Returning image payload: <*>',
    make: (g) => {
      const props = [
        '"status": "active"',
        `"size": ${g.int(2e8)}`,
        `"name": "${g.pick(['cirros', 'ubuntu-16.04', 'centos-7'])}"`,
        `"min_disk": ${g.int(20)}`,
        `"checksum": "${g.hex(32)}"`,
      ];
      const n = 2 + g.int(4);
      return `glance.registry.api.v1.images ${ctx(g)} Returning image payload: {${props.slice(0, n).join(', ')}}`;
    },
  },
  {
    weight: 0.5,
    template:
      'nova.compute.manager <*> <*> During sync_power_state the instance has a pending task (<*>). Skip.',
    make: (g) =>
      `nova.compute.manager ${periodic(g)} ${inst(g)} During sync_power_state the instance has a pending task (${g.pick(['spawning', 'deleting'])}). Skip.`,
  },
  {
    weight: 0.3,
    template: 'nova.compute.manager <*> <*> Instance failed to spawn: <*>',
    make: (g) =>
      `nova.compute.manager ${ctx(g)} ${inst(g)} Instance failed to spawn: ${g.pick(['PortBindingFailed', 'RescheduledException', 'Timeout'])}`,
  },
  {
    weight: 0.2,
    template: 'nova.scheduler.host_manager <*> Host filter ignoring hosts: <*>',
    make: (g) => {
      const n = 1 + g.int(3);
      return `nova.scheduler.host_manager ${ctx(g)} Host filter ignoring hosts: ${Array.from({ length: n }, () => `cp-${1 + g.int(9)}`).join(', ')}`;
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Java/Scala framework logs: `LEVEL short.ClassName: message`, block, stage and task ids.

const stage = (g: Gen) => `${g.int(40)}.${g.int(2)}`;
const task = (g: Gen) => `${g.int(200)}.${g.int(2)}`;
const HOSTS = ['worker-1.example.org', 'worker-2.example.org', 'worker-3.example.org', 'mesos-slave-17'];
const memSize = (g: Gen) => `${(g.rand() * 900).toFixed(1)} ${g.pick(['B', 'KB', 'MB', 'GB'])}`;

export const javaFramework: EventSpec[] = [
  {
    weight: 16,
    template: 'INFO executor.Executor: Running task <*> in stage <*> (TID <*>)',
    make: (g) => `INFO executor.Executor: Running task ${task(g)} in stage ${stage(g)} (TID ${g.int(20000)})`,
  },
  {
    weight: 14,
    template:
      'INFO executor.Executor: Finished task <*> in stage <*> (TID <*>). <*> bytes result sent to driver',
    make: (g) =>
      `INFO executor.Executor: Finished task ${task(g)} in stage ${stage(g)} (TID ${g.int(20000)}). ${g.int(5000)} bytes result sent to driver`,
  },
  {
    weight: 10,
    template: 'INFO storage.BlockManager: Found block <*> locally',
    make: (g) => `INFO storage.BlockManager: Found block rdd_${g.int(60)}_${g.int(200)} locally`,
  },
  {
    weight: 8,
    template: 'INFO spark.CacheManager: Partition <*> not found, computing it',
    make: (g) => `INFO spark.CacheManager: Partition rdd_${g.int(60)}_${g.int(200)} not found, computing it`,
  },
  {
    weight: 8,
    template: 'INFO executor.CoarseGrainedExecutorBackend: Got assigned task <*>',
    make: (g) => `INFO executor.CoarseGrainedExecutorBackend: Got assigned task ${g.int(20000)}`,
  },
  {
    weight: 6,
    template: 'INFO storage.MemoryStore: Block <*> stored as <*> in memory (estimated size <*>, free <*>)',
    make: (g) =>
      `INFO storage.MemoryStore: Block ${g.rand() < 0.5 ? `rdd_${g.int(60)}_${g.int(200)}` : `broadcast_${g.int(60)}${g.rand() < 0.5 ? '' : '_piece0'}`} stored as ${g.pick(['values', 'bytes'])} in memory (estimated size ${memSize(g)}, free ${memSize(g)})`,
  },
  {
    weight: 5,
    template: 'INFO broadcast.TorrentBroadcast: Reading broadcast variable <*> took <*>',
    make: (g) =>
      `INFO broadcast.TorrentBroadcast: Reading broadcast variable ${g.int(60)} took ${g.int(400)} ms`,
  },
  {
    weight: 5,
    template: 'INFO broadcast.TorrentBroadcast: Started reading broadcast variable <*>',
    make: (g) => `INFO broadcast.TorrentBroadcast: Started reading broadcast variable ${g.int(60)}`,
  },
  {
    weight: 4,
    template: 'INFO rdd.HadoopRDD: Input split: <*>',
    make: (g) =>
      `INFO rdd.HadoopRDD: Input split: hdfs://namenode.example.org:8020/data/${g.pick(['events', 'clicks', 'logs'])}/part-${pad(g.int(1000), 5)}:${g.int(9) * 134217728}+${g.int(134217728)}`,
  },
  {
    weight: 3,
    template: 'INFO output.FileOutputCommitter: Saved output of task <*> to <*>',
    make: (g) =>
      `INFO output.FileOutputCommitter: Saved output of task 'attempt_${2017}${pad(1 + g.int(12))}${pad(1 + g.int(28))}${pad(g.int(24))}${pad(g.int(60))}_${pad(g.int(100), 4)}_m_${pad(g.int(200), 6)}_${g.int(9000)}' to hdfs://namenode.example.org:8020/out/_temporary/0/task_${g.int(1e9)}`,
  },
  {
    weight: 3,
    template: 'INFO storage.ShuffleBlockFetcherIterator: Getting <*> non-empty blocks out of <*> blocks',
    make: (g) => {
      const n = 1 + g.int(400);
      return `INFO storage.ShuffleBlockFetcherIterator: Getting ${g.int(n)} non-empty blocks out of ${n} blocks`;
    },
  },
  {
    weight: 3,
    template: 'INFO storage.ShuffleBlockFetcherIterator: Started <*> remote fetches in <*>',
    make: (g) =>
      `INFO storage.ShuffleBlockFetcherIterator: Started ${g.int(20)} remote fetches in ${g.int(50)} ms`,
  },
  {
    weight: 1,
    template: 'INFO spark.SecurityManager: Changing view acls to: <*>',
    make: (g) => {
      const n = 1 + g.int(3);
      return `INFO spark.SecurityManager: Changing view acls to: ${Array.from({ length: n }, () => g.pick(['yarn', 'spark', 'hdfs', 'alice', 'bob'])).join(',')}`;
    },
  },
  {
    weight: 1,
    template: 'INFO storage.MemoryStore: MemoryStore started with capacity <*>',
    make: (g) => `INFO storage.MemoryStore: MemoryStore started with capacity ${memSize(g)}`,
  },
  {
    weight: 1,
    template: 'INFO storage.BlockManagerMaster: Registered BlockManager BlockManagerId(<*>, <*>, <*>)',
    make: (g) =>
      `INFO storage.BlockManagerMaster: Registered BlockManager BlockManagerId(${g.int(40)}, ${g.pick(HOSTS)}, ${30000 + g.int(30000)})`,
  },
  {
    weight: 0.5,
    template: 'WARN scheduler.TaskSetManager: Lost task <*> in stage <*> (TID <*>, <*>): <*>',
    make: (g) =>
      `WARN scheduler.TaskSetManager: Lost task ${task(g)} in stage ${stage(g)} (TID ${g.int(20000)}, ${g.pick(HOSTS)}): ${g.pick(['java.io.IOException: Connection reset by peer', 'ExecutorLostFailure (executor 3 exited caused by one of the running tasks)', 'FetchFailed(null, shuffleId=2, mapId=-1, reduceId=17)'])}`,
  },
  {
    weight: 0.5,
    template: 'ERROR executor.CoarseGrainedExecutorBackend: RECEIVED SIGNAL <*>',
    make: (g) =>
      `ERROR executor.CoarseGrainedExecutorBackend: RECEIVED SIGNAL ${g.pick([15, 1])}: SIG${g.pick(['TERM', 'HUP'])}`,
  },
  {
    weight: 0.3,
    template: 'INFO netty.NettyBlockTransferService: Server created on <*>',
    make: (g) => `INFO netty.NettyBlockTransferService: Server created on ${30000 + g.int(30000)}`,
  },
  {
    weight: 0.3,
    template: 'INFO util.Utils: Successfully started service <*> on port <*>.',
    make: (g) =>
      `INFO util.Utils: Successfully started service '${g.pick(['sparkExecutorActorSystem', 'org.apache.spark.network.netty.NettyBlockTransferService'])}' on port ${30000 + g.int(30000)}.`,
  },
  {
    weight: 0.2,
    template:
      'INFO remote.RemoteActorRefProvider$RemotingTerminator: Remote daemon shut down; proceeding with flushing remote transports.',
    make: () =>
      'INFO remote.RemoteActorRefProvider$RemotingTerminator: Remote daemon shut down; proceeding with flushing remote transports.',
  },
  {
    weight: 0.2,
    template:
      'INFO client.TransportClientFactory: Successfully created connection to <*> after <*> (<*> spent in bootstraps)',
    make: (g) =>
      `INFO client.TransportClientFactory: Successfully created connection to ${g.pick(HOSTS)}/${g.ip()}:${30000 + g.int(30000)} after ${g.int(90)} ms (${g.int(5)} ms spent in bootstraps)`,
  },
];

// ---------------------------------------------------------------------------------------------------------
// Windows CBS/CSI servicing logs: `Level Source message`, hex HRESULTs with names, `@0x...` stacks, paths.

const kb = (g: Gen) => `KB${2500000 + g.int(900000)}`;
const pkg = (g: Gen) => `Package_for_${kb(g)}~31bf3856ad364e35~amd64~~6.1.${g.int(3)}.${g.int(20)}`;
const HRESULTS = [
  ['0x00000000', 'S_OK'],
  ['0x80070002', 'ERROR_FILE_NOT_FOUND'],
  ['0x800f0805', 'CBS_E_INVALID_PACKAGE'],
  ['0x80070490', 'ERROR_NOT_FOUND'],
  ['0x800f081e', 'CBS_E_NOT_APPLICABLE'],
] as const;
const hresult = (g: Gen, i?: number) => {
  const [code, name] = HRESULTS[i ?? g.int(HRESULTS.length)]!;
  return `[HRESULT = ${code} - ${name}]`;
};
const csiSeq = (g: Gen) => pad(g.int(0x3000).toString(16), 8);
const at = (g: Gen) => `@0x${g.hex(7 + g.int(5))}`;

export const windowsCbs: EventSpec[] = [
  {
    weight: 14,
    template:
      'Info CBS Read out cached package applicability for package: <*> ApplicableState: <*> CurrentState:<*>',
    make: (g) =>
      `Info                  CBS    Read out cached package applicability for package: ${pkg(g)}, ApplicableState: ${g.pick([80, 112, 0])}, CurrentState:${g.pick([112, 80, 0])}`,
  },
  {
    weight: 10,
    template: 'Info CBS Session: <*> initialized by client <*>',
    make: (g) =>
      `Info                  CBS    Session: ${30546000 + g.int(999)}_${g.int(4e9)} initialized by client ${g.pick(['WindowsUpdateAgent.', 'DISM Package Manager Provider.', 'SPP.'])}`,
  },
  {
    weight: 8,
    template: 'Info CBS Failed to get session package state <*>',
    make: (g) =>
      `Info                  CBS    Failed to get session package state ${hresult(g, g.rand() < 0.9 ? 1 : 3)}`,
  },
  {
    weight: 8,
    template:
      'Info CSI <*> IAdvancedInstallerAwareStore_ResolvePendingTransactions (call <*>) (flags = <*>, progress = <*>, phase = <*>, pdwDisposition = <*>',
    make: (g) =>
      `Info                  CSI    ${csiSeq(g)} IAdvancedInstallerAwareStore_ResolvePendingTransactions (call ${1 + g.int(3)}) (flags = 0000000${g.pick([4, 0])}, progress = NULL, phase = ${g.int(3)}, pdwDisposition = ${at(g)}`,
  },
  {
    weight: 6,
    template: 'Info CSI <*> WcpInitialize (wcp.dll version <*>) called (stack <*>)',
    make: (g) => {
      const n = 3 + g.int(6);
      return `Info                  CSI    ${csiSeq(g)}@2016/9/${1 + g.int(28)}:${pad(g.int(24))}:${pad(g.int(60))}:${pad(g.int(60))}.${g.int(999)} WcpInitialize (wcp.dll version 0.0.0.6) called (stack ${Array.from({ length: n }, () => at(g)).join(' ')})`;
    },
  },
  {
    weight: 6,
    template: 'Info CBS Loaded Servicing Stack <*> with Core: <*>',
    make: (g) =>
      `Info                  CBS    Loaded Servicing Stack v6.1.7601.${23000 + g.int(999)} with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.${23000 + g.int(999)}_none_${g.hex(16)}\\cbscore.dll`,
  },
  {
    weight: 5,
    template: 'Info CBS Appl: Evaluating package applicability for package <*> applicable state: <*>',
    make: (g) =>
      `Info                  CBS    Appl: Evaluating package applicability for package ${pkg(g)}, applicable state: ${g.pick(['Installed', 'Staged', 'Absent'])}`,
  },
  {
    weight: 4,
    template: 'Info CBS Exec: Processing complete. Session: <*> Package: <*> <*>',
    make: (g) =>
      `Info                  CBS    Exec: Processing complete.  Session: ${30546000 + g.int(999)}_${g.int(4e9)}, Package: ${pkg(g)} ${hresult(g, g.rand() < 0.8 ? 0 : 2)}`,
  },
  {
    weight: 4,
    template: 'Info CBS SQM: Initializing online with Windows opt-in: <*>',
    make: (g) =>
      `Info                  CBS    SQM: Initializing online with Windows opt-in: ${g.pick(['False', 'True'])}`,
  },
  {
    weight: 3,
    template: 'Info CBS Warning: Unrecognized packageExtended attribute.',
    make: () => 'Info                  CBS    Warning: Unrecognized packageExtended attribute.',
  },
  {
    weight: 3,
    template: 'Info CBS Starting TrustedInstaller initialization.',
    make: () => 'Info                  CBS    Starting TrustedInstaller initialization.',
  },
  {
    weight: 2,
    template: 'Info CBS NonStart: Checking to ensure startup processing was not required.',
    make: () =>
      'Info                  CBS    NonStart: Checking to ensure startup processing was not required.',
  },
  {
    weight: 1,
    template: 'Error CBS Failed to internally open package. <*>',
    make: (g) =>
      `Error                 CBS    Failed to internally open package. ${hresult(g, g.rand() < 0.7 ? 2 : 1)}`,
  },
  {
    weight: 1,
    template: 'Info CBS Ending TrustedInstaller initialization.',
    make: () => 'Info                  CBS    Ending TrustedInstaller initialization.',
  },
  {
    weight: 0.5,
    template: 'Info CSI <*> CSI Store <*> initialized',
    make: (g) =>
      `Info                  CSI    ${csiSeq(g)} CSI Store ${g.int(9e6)} (0x${pad(g.hex(8), 16)}) initialized`,
  },
  {
    weight: 0.3,
    template: 'Info CBS Scavenge: Begin CSI Store Scavenge',
    make: () => 'Info                  CBS    Scavenge: Begin CSI Store Scavenge',
  },
  {
    weight: 0.3,
    template:
      'Error CSI <*> (F) <*> #<*># from Windows::Rtl::SystemImplementation::DirectFileSystemProvider::SysCreateFile(flags = <*>, handle = <*>, da = <*>, oa = <*>, as = <*>, fa = <*>, sa = <*>, cd = <*>, co = <*>, eab = <*>, disp = <*>)',
    make: (g) =>
      `Error                 CSI    ${csiSeq(g)} (F) STATUS_OBJECT_PATH_NOT_FOUND #${g.int(9e5)}# from Windows::Rtl::SystemImplementation::DirectFileSystemProvider::SysCreateFile(flags = 0000000${g.int(9)}, handle = {provider=NULL, handle=0, name= ("null")}, da = (SYNCHRONIZE|FILE_READ_ATTRIBUTES), oa = ${at(g)}, as = (null), fa = (FILE_ATTRIBUTE_NORMAL), sa = (FILE_SHARE_READ|FILE_SHARE_WRITE), cd = FILE_OPEN, co = (FILE_SYNCHRONOUS_IO_NONALERT), eab = NULL, disp = Invalid)`,
  },
  {
    weight: 0.2,
    template: 'Info CBS Reboot mark set',
    make: () => 'Info                  CBS    Reboot mark set',
  },
];

// ---------------------------------------------------------------------------------------------------------
// ZooKeeper-style coordination logs: session ids `0x14f05578bf8...`, client sockets, elections.

const session = (g: Gen) =>
  `0x${g.pick(['14f05578bf8', '24f0557806b', '34f05578b4f'])}${g.hex(4).replace(/^0+/, '')}`;
const zkClient = (g: Gen) => `/10.10.34.${11 + g.int(30)}:${32768 + g.int(28000)}`;
const STATES = ['LOOKING', 'FOLLOWING', 'LEADING'];

export const zookeeper: EventSpec[] = [
  {
    weight: 20,
    template: 'Accepted socket connection from <*>',
    make: (g) => `Accepted socket connection from ${zkClient(g)}`,
  },
  {
    weight: 14,
    template: 'Closed socket connection for client <*> which had sessionid <*>',
    make: (g) => `Closed socket connection for client ${zkClient(g)} which had sessionid ${session(g)}`,
  },
  {
    weight: 6,
    template: 'Closed socket connection for client <*> (no session established for client)',
    make: (g) => `Closed socket connection for client ${zkClient(g)} (no session established for client)`,
  },
  {
    weight: 12,
    template: 'Client attempting to establish new session at <*>',
    make: (g) => `Client attempting to establish new session at ${zkClient(g)}`,
  },
  {
    weight: 12,
    template: 'Established session <*> with negotiated timeout <*> for client <*>',
    make: (g) =>
      `Established session ${session(g)} with negotiated timeout ${g.pick([10000, 20000, 40000])} for client ${zkClient(g)}`,
  },
  {
    weight: 6,
    template: 'caught end of stream exception',
    make: () => 'caught end of stream exception',
  },
  {
    weight: 5,
    template:
      'EndOfStreamException: Unable to read additional data from client sessionid <*>, likely client has closed socket',
    make: (g) =>
      `EndOfStreamException: Unable to read additional data from client sessionid ${session(g)}, likely client has closed socket`,
  },
  {
    weight: 5,
    template: 'Expiring session <*>, timeout of <*> exceeded',
    make: (g) => `Expiring session ${session(g)}, timeout of ${g.pick([10000, 20000, 40000])}ms exceeded`,
  },
  {
    weight: 5,
    template: 'Processed session termination for sessionid: <*>',
    make: (g) => `Processed session termination for sessionid: ${session(g)}`,
  },
  {
    weight: 2,
    template:
      'Notification: <*> (n.leader), <*> (n.zxid), <*> (n.round), <*> (n.state), <*> (n.sid), <*> (n.peerEPoch), <*> (my state)',
    make: (g) =>
      `Notification: ${1 + g.int(3)} (n.leader), 0x${g.int(3) + 1}00000${g.hex(3)} (n.zxid), 0x${1 + g.int(3)} (n.round), ${g.pick(STATES)} (n.state), ${1 + g.int(3)} (n.sid), 0x${1 + g.int(3)} (n.peerEPoch), ${g.pick(STATES)} (my state)`,
  },
  {
    weight: 2,
    template: 'Connection broken for id <*>, my id = <*>, error =',
    make: (g) => `Connection broken for id ${1 + g.int(3)}, my id = ${1 + g.int(3)}, error = `,
  },
  {
    weight: 2,
    template: 'Send worker leaving thread',
    make: () => 'Send worker leaving thread',
  },
  {
    weight: 2,
    template: 'Interrupted while waiting for message on queue',
    make: () => 'Interrupted while waiting for message on queue',
  },
  {
    weight: 2,
    template: 'Cannot open channel to <*> at election address <*>',
    make: (g) => `Cannot open channel to ${1 + g.int(3)} at election address /10.10.34.${11 + g.int(3)}:3888`,
  },
  {
    weight: 1,
    template: 'Have smaller server identifier, so dropping the connection: (<*>, <*>)',
    make: (g) =>
      `Have smaller server identifier, so dropping the connection: (${1 + g.int(3)}, ${1 + g.int(3)})`,
  },
  {
    weight: 1,
    template: 'Received connection request <*>',
    make: (g) => `Received connection request /10.10.34.${11 + g.int(3)}:${40000 + g.int(20000)}`,
  },
  {
    weight: 0.5,
    template: '<*> - LEADER ELECTION TOOK - <*>',
    make: (g) => `${g.pick(['FOLLOWING', 'LEADING'])} - LEADER ELECTION TOOK - ${g.int(400)}`,
  },
  {
    weight: 0.5,
    template: 'New election. My id = <*>, proposed zxid=<*>',
    make: (g) => `New election. My id =  ${1 + g.int(3)}, proposed zxid=0x${g.int(3) + 1}00000${g.hex(3)}`,
  },
  {
    weight: 0.3,
    template: 'Snapshotting: <*> to <*>',
    make: (g) => {
      const z = `${1 + g.int(3)}00000${g.hex(3)}`;
      return `Snapshotting: 0x${z} to /var/lib/zookeeper/version-2/snapshot.${z}`;
    },
  },
  {
    weight: 0.2,
    template: 'Getting a snapshot from leader',
    make: () => 'Getting a snapshot from leader',
  },
  {
    weight: 0.2,
    template: 'Too many connections from <*> - max is <*>',
    make: (g) => `Too many connections from /10.10.34.${11 + g.int(30)} - max is 60`,
  },
];

// ---------------------------------------------------------------------------------------------------------
// Syslog with kernel messages (after the host name): `program[pid]: message`, `kernel: message`.

const kt = (g: Gen) => `[${g.int(99999)}.${pad(g.int(1e6), 6)}]`;
const NICS = ['eth0', 'eth1', 'ib0', 'em1'];
const NFS = ['nfs01', 'nfs02', 'home-srv', 'scratch3'];
const PROCS = ['java', 'python', 'mpirun', 'httpd', 'mysqld', 'chrome'];

export const kernelSyslog: EventSpec[] = [
  {
    weight: 12,
    template: 'sshd[<*>]: Accepted publickey for <*> from <*> port <*> ssh2',
    make: (g) =>
      `sshd[${g.int(32000)}]: Accepted publickey for ${g.pick(['root', 'alice', 'bob', 'hpcuser'])} from ${g.ip()} port ${1024 + g.int(60000)} ssh2`,
  },
  {
    weight: 10,
    template: 'crond[<*>]: (<*>) CMD (<*>)',
    make: (g) =>
      `crond[${g.int(32000)}]: (${g.pick(['root', 'nagios'])}) CMD (${g.pick(['run-parts /etc/cron.hourly', '/usr/lib/sa/sa1 1 1', '/usr/local/bin/check_disk -w 10% -c 5%'])})`,
  },
  {
    weight: 8,
    template: 'ntpd[<*>]: synchronized to <*>, stratum <*>',
    make: (g) => `ntpd[${g.int(32000)}]: synchronized to ${g.ip()}, stratum ${1 + g.int(3)}`,
  },
  {
    weight: 8,
    template: 'dhclient: DHCPREQUEST on <*> to <*> port <*>',
    make: (g) => `dhclient: DHCPREQUEST on ${g.pick(NICS)} to ${g.ip()} port 67`,
  },
  {
    weight: 6,
    template: 'dhclient: bound to <*> -- renewal in <*> seconds.',
    make: (g) => `dhclient: bound to ${g.ip()} -- renewal in ${600 + g.int(3000)} seconds.`,
  },
  {
    weight: 6,
    template: 'kernel: <*> nfs: server <*> not responding, still trying',
    make: (g) => `kernel: ${kt(g)} nfs: server ${g.pick(NFS)} not responding, still trying`,
  },
  {
    weight: 5,
    template: 'kernel: <*> nfs: server <*> OK',
    make: (g) => `kernel: ${kt(g)} nfs: server ${g.pick(NFS)} OK`,
  },
  {
    weight: 4,
    template:
      'kernel: <*> CPU<*>: Core temperature above threshold, cpu clock throttled (total events = <*>)',
    make: (g) =>
      `kernel: ${kt(g)} CPU${g.int(16)}: Core temperature above threshold, cpu clock throttled (total events = ${g.int(90000)})`,
  },
  {
    weight: 4,
    template: 'kernel: <*> CPU<*>: Core temperature/speed normal',
    make: (g) => `kernel: ${kt(g)} CPU${g.int(16)}: Core temperature/speed normal`,
  },
  {
    weight: 3,
    template: 'smartd[<*>]: Device: <*>, SMART Usage Attribute: <*> <*> changed from <*> to <*>',
    make: (g) =>
      `smartd[${g.int(32000)}]: Device: /dev/sd${g.pick(['a', 'b', 'c'])}, SMART Usage Attribute: ${g.pick(['194 Temperature_Celsius', '190 Airflow_Temperature_Cel', '195 Hardware_ECC_Recovered'])} changed from ${20 + g.int(80)} to ${20 + g.int(80)}`,
  },
  {
    weight: 3,
    template: 'kernel: <*> <*>: NIC Link is Up <*> Mbps Full Duplex, Flow Control: <*>',
    make: (g) =>
      `kernel: ${kt(g)} e1000e: ${g.pick(NICS)}: NIC Link is Up ${g.pick([100, 1000, 10000])} Mbps Full Duplex, Flow Control: ${g.pick(['RX/TX', 'None', 'RX'])}`,
  },
  {
    weight: 2,
    template: 'kernel: <*> <*>: NIC Link is Down',
    make: (g) => `kernel: ${kt(g)} e1000e: ${g.pick(NICS)}: NIC Link is Down`,
  },
  {
    weight: 2,
    template: 'kernel: <*> Out of memory: Kill process <*> (<*>) score <*> or sacrifice child',
    make: (g) =>
      `kernel: ${kt(g)} Out of memory: Kill process ${g.int(32000)} (${g.pick(PROCS)}) score ${g.int(1000)} or sacrifice child`,
  },
  {
    weight: 2,
    template: 'kernel: <*> Killed process <*> (<*>) total-vm:<*>, anon-rss:<*>, file-rss:<*>',
    make: (g) =>
      `kernel: ${kt(g)} Killed process ${g.int(32000)} (${g.pick(PROCS)}) total-vm:${g.int(9e7)}kB, anon-rss:${g.int(9e6)}kB, file-rss:${g.int(9e4)}kB`,
  },
  {
    weight: 2,
    template: 'kernel: <*> ata<*>: exception Emask <*> SAct <*> SErr <*> action <*> frozen',
    make: (g) =>
      `kernel: ${kt(g)} ata${1 + g.int(4)}.00: exception Emask 0x${g.int(2)} SAct 0x${g.hex(g.pick([1, 4]))} SErr 0x0 action 0x${g.pick([0, 6])} frozen`,
  },
  {
    weight: 1,
    template: 'kernel: <*> sd <*> <*> <*> <*>-byte logical blocks: (<*>)',
    make: (g) => {
      const gb = g.pick([250, 500, 1000, 2000]);
      return `kernel: ${kt(g)} sd ${g.int(4)}:0:0:0: [sd${g.pick(['a', 'b', 'c'])}] ${gb * 1953125} 512-byte logical blocks: (${gb} GB/${Math.round(gb * 0.931)} GiB)`;
    },
  },
  {
    weight: 1,
    template: 'kernel: <*> usb <*>: new high-speed USB device number <*> using <*>',
    make: (g) =>
      `kernel: ${kt(g)} usb ${1 + g.int(3)}-${1 + g.int(6)}: new high-speed USB device number ${1 + g.int(20)} using ${g.pick(['ehci-pci', 'xhci_hcd'])}`,
  },
  {
    weight: 1,
    template: 'postfix/smtpd[<*>]: connect from <*>',
    make: (g) =>
      `postfix/smtpd[${g.int(32000)}]: connect from ${g.rand() < 0.5 ? 'unknown' : `mail${g.int(9)}.example.org`}[${g.ip()}]`,
  },
  {
    weight: 0.5,
    template: 'kernel: <*> possible SYN flooding on port <*>. Sending cookies.',
    make: (g) =>
      `kernel: ${kt(g)} possible SYN flooding on port ${g.pick([80, 443, 8080])}. Sending cookies.`,
  },
  {
    weight: 0.5,
    template: 'kernel: <*> EXT4-fs (<*>): mounted filesystem with ordered data mode. Opts: <*>',
    make: (g) =>
      `kernel: ${kt(g)} EXT4-fs (sd${g.pick(['a', 'b'])}${1 + g.int(3)}): mounted filesystem with ordered data mode. Opts: ${g.pick(['(null)', 'errors=remount-ro', 'noatime,nodiratime'])}`,
  },
  {
    weight: 0.3,
    template: 'kernel: <*> TCP: time wait bucket table overflow',
    make: (g) => `kernel: ${kt(g)} TCP: time wait bucket table overflow`,
  },
  {
    weight: 0.3,
    template: 'kernel: <*> Machine check events logged',
    make: (g) => `kernel: ${kt(g)} Machine check events logged`,
  },
  {
    weight: 0.2,
    template: 'kernel: <*> <*>[<*>]: segfault at <*> ip <*> sp <*> error <*> in <*>[<*>]',
    make: (g) => {
      const p = g.pick(PROCS);
      return `kernel: ${kt(g)} ${p}[${g.int(32000)}]: segfault at ${g.hex(12)} ip ${pad(g.hex(12), 16)} sp ${pad(g.hex(12), 16)} error ${g.pick([4, 6, 14])} in ${p === 'java' ? 'libjvm.so' : `lib${p}.so`}[${g.hex(6)}+${g.hex(6)}]`;
    },
  },
  {
    weight: 0.2,
    template: 'sshd[<*>]: error: Bind to port <*> on <*> failed: Address already in use.',
    make: (g) =>
      `sshd[${g.int(32000)}]: error: Bind to port 22 on ${g.pick(['0.0.0.0', '::'])} failed: Address already in use.`,
  },
];

/** The formats of this file by name, for `syntheticSystems`. */
export const MORE_FORMATS: Record<string, EventSpec[]> = {
  'synthetic-logcat': logcat,
  'synthetic-pipe': pipeApp,
  'synthetic-proxy': proxy,
  'synthetic-openstack': openstack,
  'synthetic-framework': javaFramework,
  'synthetic-cbs': windowsCbs,
  'synthetic-zookeeper': zookeeper,
  'synthetic-kernel': kernelSyslog,
};
