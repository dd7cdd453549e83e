import { seededRandom } from '../../packages/core/src/random.ts';
import { MORE_FORMATS } from './moreFormats.ts';
/**
 * Synthetic logs of common formats that no masking rule or constant was written against, generated at run
 * time with their ground truth: each line's event and the event's template. They hold the variable tokens
 * that make a miner over-split on unseen systems: pod names with random suffixes, UUIDs whose groups may be
 * all letters (`...-bdcc-...`), byte counts with and without a unit (`512KB`, `512 KB`, `512`), durations,
 * IPs with ports, quoted values, paths, user and service names drawn from a large pool, stack frames.
 * Their truth makes every value a variable, including a unit (`<*> KB` and `<*> MB` are one event) and a word
 * from a small set (`application_name=psql`): Loghub's annotations often keep those as constants, and the
 * miner follows Loghub there (a position with a few recurring words is a state), so GA here is a floor.
 */
export interface SyntheticSystem {
  name: string;
  contents: string[];
  /** Event id of each line. */
  events: string[];
  /** Template of each line's event (variables as `<*>`). */
  templates: string[];
}

type Rand = () => number;

export interface EventSpec {
  /** Relative frequency. */
  weight: number;
  template: string;
  make: (r: Gen) => string;
}

/** Random values of the kinds logs carry. */
export class Gen {
  readonly rand: Rand;
  constructor(rand: Rand) {
    this.rand = rand;
  }
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
  /** Hex whose groups are sometimes all letters (`bdcc`), as real UUIDs are about once in 40 groups. */
  uuid(): string {
    const group = (n: number) => (this.rand() < 0.15 ? this.letters(n, 'abcdef') : this.hex(n));
    return `${group(8)}-${group(4)}-4${group(3)}-${group(4)}-${group(12)}`;
  }
  letters(n: number, alphabet = 'bcdfghjklmnpqrstvwxz'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
  /** A Kubernetes pod name: deployment, replica-set hash, random suffix (often letters only). */
  pod(): string {
    return `${this.pick(SERVICES)}-${this.int(10)}${this.letters(1, 'bcdf')}${this.hex(7)}-${this.rand() < 0.5 ? this.letters(5) : this.letters(3) + this.int(100)}`;
  }
  ip(): string {
    return `10.${this.int(256)}.${this.int(256)}.${this.int(256)}`;
  }
  /** A byte count with or without a unit, glued or not: `512`, `512KB`, `512 KB`, `1.5MB`, `512B`. */
  size(): string {
    const n = this.int(4096);
    switch (this.int(5)) {
      case 0:
        return `${n}`;
      case 1:
        return `${n}KB`;
      case 2:
        return `${(n / 10).toFixed(1)}MB`;
      case 3:
        return `${n} KB`;
      default:
        return `${n}B`;
    }
  }
  duration(): string {
    return this.rand() < 0.5 ? `${this.int(900)}ms` : `${(this.rand() * 5).toFixed(3)}s`;
  }
  timestamp(): string {
    const d = new Date(
      Date.UTC(2024, this.int(12), 1 + this.int(28), this.int(24), this.int(60), this.int(60)),
    );
    return d.toISOString();
  }
}

const SERVICES = [
  'checkout',
  'cart',
  'payments',
  'inventory',
  'search',
  'auth',
  'gateway',
  'ledger',
  'catalog',
  'shipping',
  'billing',
  'profile',
  'reviews',
  'pricing',
  'notifier',
  'frontend',
  'recommender',
  'orders',
  'quotes',
  'email',
];
const USERS = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'root',
  'admin',
  'deploy',
  'www-data',
];
const PATHS = ['/api/v1/items', '/api/v1/orders', '/healthz', '/api/v2/users', '/static/app.js', '/login'];
const CLASSES = [
  'OrderService',
  'CartController',
  'PaymentGateway',
  'InventoryRepository',
  'UserResource',
  'PriceCalculator',
  'HttpClient',
  'ConnectionPool',
  'RetryPolicy',
  'JsonMapper',
  'SessionStore',
  'TokenVerifier',
];
const METHODS = ['place', 'get', 'update', 'validate', 'execute', 'send', 'map', 'verify', 'lookup', 'apply'];

const httpAccess: EventSpec[] = [
  {
    weight: 40,
    template: '<*> - <*> [<*>] "GET <*> HTTP/1.1" <*> <*> <*>',
    make: (g) =>
      `${g.ip()} - ${g.pick(['-', ...USERS])} [${g.timestamp()}] "GET ${g.pick(PATHS)}/${g.int(9999)} HTTP/1.1" ${g.pick([200, 200, 304, 404])} ${g.int(50000)} ${g.duration()}`,
  },
  {
    weight: 15,
    template: '<*> - <*> [<*>] "POST <*> HTTP/1.1" <*> <*> <*>',
    make: (g) =>
      `${g.ip()} - ${g.pick(['-', ...USERS])} [${g.timestamp()}] "POST ${g.pick(PATHS)}?id=${g.uuid()} HTTP/1.1" ${g.pick([201, 200, 400, 500])} ${g.int(5000)} ${g.duration()}`,
  },
  {
    weight: 3,
    template:
      'upstream timed out (110: Connection timed out) while reading response header from upstream, client: <*>, server: <*>, request: "GET <*> HTTP/1.1", upstream: <*>',
    make: (g) =>
      `upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${g.ip()}, server: ${g.pick(SERVICES)}.example.com, request: "GET ${g.pick(PATHS)} HTTP/1.1", upstream: "http://${g.ip()}:${8000 + g.int(100)}${g.pick(PATHS)}"`,
  },
  {
    weight: 2,
    template: 'worker process <*> exited on signal <*>',
    make: (g) => `worker process ${g.int(60000)} exited on signal ${g.pick([9, 11, 15])}`,
  },
  {
    weight: 2,
    template: 'client <*> closed keepalive connection',
    make: (g) => `client ${g.ip()}:${1024 + g.int(60000)} closed keepalive connection`,
  },
  {
    weight: 1,
    template: 'open() <*> failed (2: No such file or directory), client: <*>, server: <*>',
    make: (g) =>
      `open() "/var/www/html${g.pick(PATHS)}/${g.hex(6)}.png" failed (2: No such file or directory), client: ${g.ip()}, server: ${g.pick(SERVICES)}`,
  },
];

const jsonLogs: EventSpec[] = [
  {
    weight: 30,
    template:
      '{"level":"info","ts":<*>,"msg":"request served","path":<*>,"status":<*>,"bytes":<*>,"request_id":<*>}',
    make: (g) =>
      `{"level":"info","ts":"${g.timestamp()}","msg":"request served","path":"${g.pick(PATHS)}/${g.int(999)}","status":${g.pick([200, 201, 204])},"bytes":"${g.size()}","request_id":"${g.uuid()}"}`,
  },
  {
    weight: 10,
    template: '{"level":"info","ts":<*>,"msg":"cache refreshed","entries":<*>,"took":<*>}',
    make: (g) =>
      `{"level":"info","ts":"${g.timestamp()}","msg":"cache refreshed","entries":${g.int(100000)},"took":"${g.duration()}"}`,
  },
  {
    weight: 5,
    template: '{"level":"warn","ts":<*>,"msg":"slow query","table":<*>,"duration":<*>,"user":<*>}',
    make: (g) =>
      `{"level":"warn","ts":"${g.timestamp()}","msg":"slow query","table":"${g.pick(SERVICES)}","duration":"${g.duration()}","user":"${g.pick(USERS)}"}`,
  },
  {
    weight: 3,
    template: '{"level":"error","ts":<*>,"msg":"upstream unavailable","upstream":<*>,"attempt":<*>}',
    make: (g) =>
      `{"level":"error","ts":"${g.timestamp()}","msg":"upstream unavailable","upstream":"${g.ip()}:${8000 + g.int(100)}","attempt":${1 + g.int(5)}}`,
  },
  {
    weight: 2,
    template: '{"level":"info","ts":<*>,"msg":"user signed in","user":<*>,"session":<*>}',
    make: (g) =>
      `{"level":"info","ts":"${g.timestamp()}","msg":"user signed in","user":"${g.pick(USERS)}","session":"${g.uuid()}"}`,
  },
];

const frame = (g: Gen) => {
  const cls = g.pick(CLASSES);
  return `\tat com.example.${g.pick(['shop', 'core', 'net'])}.${cls}.${g.pick(METHODS)}(${cls}.java:${1 + g.int(400)})`;
};
const javaTraces: EventSpec[] = [
  {
    weight: 20,
    template: 'at <*>',
    make: frame,
  },
  {
    weight: 3,
    template: 'java.lang.IllegalStateException: Connection pool shut down',
    make: () => 'java.lang.IllegalStateException: Connection pool shut down',
  },
  {
    weight: 3,
    template: 'java.net.SocketTimeoutException: Read timed out after <*>',
    make: (g) => `java.net.SocketTimeoutException: Read timed out after ${g.duration()}`,
  },
  {
    weight: 2,
    template: 'Caused by: java.io.IOException: Broken pipe',
    make: () => 'Caused by: java.io.IOException: Broken pipe',
  },
  {
    weight: 4,
    template: '... <*> more',
    make: (g) => `\t... ${1 + g.int(80)} more`,
  },
  {
    weight: 6,
    template: 'Exception in thread <*> java.lang.RuntimeException: order <*> failed',
    make: (g) =>
      `Exception in thread "pool-${g.int(9)}-thread-${g.int(40)}" java.lang.RuntimeException: order ${g.uuid()} failed`,
  },
];

const k8sEvents: EventSpec[] = [
  {
    weight: 10,
    template: 'Successfully assigned <*> to <*>',
    make: (g) => `Successfully assigned default/${g.pod()} to node-${g.letters(5)}`,
  },
  {
    weight: 10,
    template: 'Pulling image <*>',
    make: (g) => `Pulling image "registry.example.com/${g.pick(SERVICES)}:v1.${g.int(20)}.${g.int(10)}"`,
  },
  {
    weight: 10,
    template: 'Successfully pulled image <*> in <*> (<*> including waiting)',
    make: (g) =>
      `Successfully pulled image "registry.example.com/${g.pick(SERVICES)}:v1.${g.int(20)}.${g.int(10)}" in ${g.duration()} (${g.duration()} including waiting)`,
  },
  {
    weight: 10,
    template: 'Created container <*>',
    make: (g) => `Created container ${g.pick(SERVICES)}`,
  },
  {
    weight: 10,
    template: 'Started container <*>',
    make: (g) => `Started container ${g.pick(SERVICES)}`,
  },
  {
    weight: 4,
    template: 'Readiness probe failed: Get <*> dial tcp <*> connect: connection refused',
    make: (g) => {
      const ip = g.ip();
      return `Readiness probe failed: Get "http://${ip}:8080/healthz": dial tcp ${ip}:8080: connect: connection refused`;
    },
  },
  {
    weight: 3,
    template: 'Back-off restarting failed container <*> in pod <*>',
    make: (g) =>
      `Back-off restarting failed container ${g.pick(SERVICES)} in pod ${g.pod()}_default(${g.uuid()})`,
  },
  {
    weight: 5,
    template: 'Scaled up replica set <*> to <*>',
    make: (g) => `Scaled up replica set ${g.pick(SERVICES)}-${g.hex(9)} to ${1 + g.int(9)}`,
  },
  {
    weight: 5,
    template: 'Created pod: <*>',
    make: (g) => `Created pod: ${g.pod()}`,
  },
  {
    weight: 2,
    template: 'Memory usage <*> exceeds limit <*> for pod <*>',
    make: (g) => `Memory usage ${g.size()} exceeds limit ${g.size()} for pod ${g.pod()}`,
  },
];

const syslog: EventSpec[] = [
  {
    weight: 10,
    template: 'Accepted publickey for <*> from <*> port <*> ssh2: RSA SHA256:<*>',
    make: (g) =>
      `Accepted publickey for ${g.pick(USERS)} from ${g.ip()} port ${1024 + g.int(60000)} ssh2: RSA SHA256:${g.letters(10, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/')}${g.int(10)}${g.letters(32, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/')}`,
  },
  {
    weight: 8,
    template: 'pam_unix(sshd:session): session opened for user <*> by (uid=<*>)',
    make: (g) => `pam_unix(sshd:session): session opened for user ${g.pick(USERS)} by (uid=${g.int(2)})`,
  },
  {
    weight: 8,
    template: 'Started Session <*> of user <*>.',
    make: (g) => `Started Session ${g.int(90000)} of user ${g.pick(USERS)}.`,
  },
  {
    weight: 8,
    template: '(<*>) CMD (<*>)',
    make: (g) =>
      `(${g.pick(USERS)}) CMD (${g.pick(['/usr/lib/sa/sa1 1 1', 'run-parts /etc/cron.hourly', '/usr/local/bin/backup.sh'])})`,
  },
  {
    weight: 4,
    template: 'Out of memory: Killed process <*> (<*>) total-vm:<*>, anon-rss:<*>, file-rss:<*>',
    make: (g) =>
      `Out of memory: Killed process ${g.int(60000)} (${g.pick(SERVICES)}) total-vm:${g.int(9000000)}kB, anon-rss:${g.int(900000)}kB, file-rss:${g.int(9000)}kB`,
  },
  {
    weight: 4,
    template: '<*>: link up, <*> Mbps, full duplex',
    make: (g) =>
      `${g.pick(['eth0', 'eth1', 'ens3', 'enp0s31f6'])}: link up, ${g.pick([100, 1000, 10000])} Mbps, full duplex`,
  },
  {
    weight: 3,
    template: 'Failed password for invalid user <*> from <*> port <*> ssh2',
    make: (g) =>
      `Failed password for invalid user ${g.letters(6)} from ${g.ip()} port ${1024 + g.int(60000)} ssh2`,
  },
  {
    weight: 3,
    template: 'disk <*> usage <*> of <*>',
    make: (g) => `disk /dev/sd${g.letters(1, 'abcd')}${1 + g.int(3)} usage ${g.size()} of ${g.size()}`,
  },
];

const TABLES = [
  'orders',
  'users',
  'carts',
  'payments',
  'items',
  'sessions',
  'events',
  'audit_log',
  'invoices',
];
const postgres: EventSpec[] = [
  {
    weight: 20,
    template: 'duration: <*> ms statement: SELECT * FROM <*> WHERE id = <*>',
    make: (g) =>
      `duration: ${(g.rand() * 900).toFixed(3)} ms statement: SELECT * FROM ${g.pick(TABLES)} WHERE id = ${g.int(1e6)}`,
  },
  {
    weight: 8,
    template: 'connection received: host=<*> port=<*>',
    make: (g) => `connection received: host=${g.ip()} port=${1024 + g.int(60000)}`,
  },
  {
    weight: 8,
    template: 'connection authorized: user=<*> database=<*> application_name=<*>',
    make: (g) =>
      `connection authorized: user=${g.pick(USERS)} database=${g.pick(SERVICES)} application_name=${g.pick(['psql', 'pgbouncer', 'app'])}`,
  },
  {
    weight: 5,
    template: 'disconnection: session time: <*> user=<*> database=<*> host=<*> port=<*>',
    make: (g) =>
      `disconnection: session time: ${g.int(9)}:${10 + g.int(49)}:${10 + g.int(49)}.${g.int(999)} user=${g.pick(USERS)} database=${g.pick(SERVICES)} host=${g.ip()} port=${1024 + g.int(60000)}`,
  },
  {
    weight: 3,
    template: 'duplicate key value violates unique constraint <*>',
    make: (g) => `duplicate key value violates unique constraint "${g.pick(TABLES)}_pkey"`,
  },
  {
    weight: 3,
    template:
      'checkpoint complete: wrote <*> buffers (<*>); <*> WAL file(s) added, <*> removed, <*> recycled; write=<*> s, sync=<*> s, total=<*> s',
    make: (g) =>
      `checkpoint complete: wrote ${g.int(9000)} buffers (${(g.rand() * 10).toFixed(1)}%); ${g.int(3)} WAL file(s) added, ${g.int(3)} removed, ${g.int(9)} recycled; write=${(g.rand() * 300).toFixed(3)} s, sync=${(g.rand() * 2).toFixed(3)} s, total=${(g.rand() * 300).toFixed(3)} s`,
  },
  {
    weight: 2,
    template: 'automatic vacuum of table <*>: index scans: <*>',
    make: (g) =>
      `automatic vacuum of table "${g.pick(SERVICES)}.public.${g.pick(TABLES)}": index scans: ${g.int(3)}`,
  },
];

const windowsService: EventSpec[] = [
  {
    weight: 10,
    template: 'Loaded Servicing Stack <*> with Core: <*>',
    make: (g) =>
      `Loaded Servicing Stack v6.1.${7000 + g.int(999)}.${g.int(30000)} with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_${g.hex(16)}_6.1.${7000 + g.int(999)}.${g.int(30000)}_none_${g.hex(16)}\\cbscore.dll`,
  },
  {
    weight: 10,
    template: 'Session: <*> initialized by client <*>',
    make: (g) =>
      `Session: ${30000000 + g.int(999999)}_${g.int(4e9)} initialized by client ${g.pick(['WindowsUpdateAgent', 'DISM Package Manager Provider', 'SPP'])}.`,
  },
  {
    weight: 8,
    template: 'Read out cached package applicability for package: <*> ApplicableState: <*> CurrentState:<*>',
    make: (g) =>
      `Read out cached package applicability for package: Package_for_KB${2000000 + g.int(999999)}~31bf3856ad364e35~amd64~~6.1.1.${g.int(9)}, ApplicableState: ${g.pick([80, 112])}, CurrentState:${g.pick([80, 112])}`,
  },
  {
    weight: 5,
    template: 'Failed to open file <*> [HRESULT = <*>]',
    make: (g) =>
      `Failed to open file C:\\Windows\\Logs\\CBS\\CbsPersist_${2016}${1000 + g.int(999)}${g.int(999999)}.log [HRESULT = 0x${g.hex(8)} - ERROR_FILE_NOT_FOUND]`,
  },
  {
    weight: 5,
    template: 'Warning: Unrecognized packageExtended attribute.',
    make: () => 'Warning: Unrecognized packageExtended attribute.',
  },
  {
    weight: 4,
    template: 'Service <*> entered the <*> state.',
    make: (g) =>
      `The ${g.pick(['Windows Update', 'BITS', 'Print Spooler'])} service entered the ${g.pick(['running', 'stopped'])} state.`,
  },
];

const bigData: EventSpec[] = [
  {
    weight: 20,
    template: 'Running task <*> in stage <*> (TID <*>)',
    make: (g) => `Running task ${g.int(40)}.${g.int(3)} in stage ${g.int(20)}.0 (TID ${g.int(9000)})`,
  },
  {
    weight: 15,
    template: 'Finished task <*> in stage <*> (TID <*>). <*> bytes result sent to driver',
    make: (g) =>
      `Finished task ${g.int(40)}.0 in stage ${g.int(20)}.0 (TID ${g.int(9000)}). ${g.int(5000)} bytes result sent to driver`,
  },
  {
    weight: 10,
    template: 'Block <*> stored as values in memory (estimated size <*>, free <*>)',
    make: (g) =>
      `Block broadcast_${g.int(40)}${g.rand() < 0.5 ? '' : `_piece${g.int(3)}`} stored as values in memory (estimated size ${(g.rand() * 900).toFixed(1)} ${g.pick(['B', 'KB'])}, free ${(g.rand() * 900).toFixed(1)} ${g.pick(['KB', 'MB'])})`,
  },
  {
    weight: 8,
    template: 'Found block <*> locally',
    make: (g) => `Found block rdd_${g.int(40)}_${g.int(10)} locally`,
  },
  {
    weight: 5,
    template: 'Started reading broadcast variable <*>',
    make: (g) => `Started reading broadcast variable ${g.int(40)}`,
  },
  {
    weight: 3,
    template:
      'Lost executor <*> on <*>: Container killed by YARN for exceeding memory limits. <*> of <*> physical memory used.',
    make: (g) =>
      `Lost executor ${g.int(40)} on ip-${g.int(255)}-${g.int(255)}-${g.int(255)}-${g.int(255)}.ec2.internal: Container killed by YARN for exceeding memory limits. ${(g.rand() * 9).toFixed(1)} GB of ${g.pick([4, 8, 16])} GB physical memory used.`,
  },
];

const FORMATS: Record<string, EventSpec[]> = {
  'synthetic-http': httpAccess,
  'synthetic-json': jsonLogs,
  'synthetic-java': javaTraces,
  'synthetic-k8s': k8sEvents,
  'synthetic-syslog': syslog,
  'synthetic-postgres': postgres,
  'synthetic-windows': windowsService,
  'synthetic-bigdata': bigData,
  // Formats added later, of the kinds of system the miner is examined on without their data (moreFormats.ts).
  ...MORE_FORMATS,
};

/** Every synthetic system, `lines` lines each, from one seed. */
export function syntheticSystems(lines = 2000, seed = 7): SyntheticSystem[] {
  return Object.entries(FORMATS).map(([name, specs], k) => generate(name, specs, lines, seed * 1000 + k));
}

function generate(name: string, specs: EventSpec[], lines: number, seed: number): SyntheticSystem {
  const g = new Gen(seededRandom(seed));
  const total = specs.reduce((a, s) => a + s.weight, 0);
  const out: SyntheticSystem = { name, contents: [], events: [], templates: [] };
  for (let i = 0; i < lines; i++) {
    let x = g.rand() * total;
    let k = 0;
    while (x >= specs[k]!.weight) x -= specs[k++]!.weight;
    const s = specs[k]!;
    out.contents.push(s.make(g));
    out.events.push(`E${k + 1}`);
    out.templates.push(s.template);
  }
  return out;
}
