import { describe, expect, it } from 'vitest';
import { createTemplateMiner, parseMessages, type ShapeRef, templateId } from '../../src/logs/index.ts';

describe('parseMessages', () => {
  it('groups messages of one event and masks what varies', () => {
    const parsed = parseMessages([
      'Invalid user webmaster from 173.234.31.186',
      'Invalid user test from 52.80.34.196',
      'Failed password for root from 5.36.59.76 port 42393 ssh2',
      'Invalid user admin from 103.99.0.122',
      'Failed password for root from 112.95.230.3 port 3356 ssh2',
    ]);
    expect(parsed.map((p) => p.template)).toEqual([
      'Invalid user <*> from <*>',
      'Invalid user <*> from <*>',
      'Failed password for root from <*> port <*> ssh2',
      'Invalid user <*> from <*>',
      'Failed password for root from <*> port <*> ssh2',
    ]);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(2);
  });

  it('gives earlier messages the template as it stands after the whole input', () => {
    const parsed = parseMessages(['user alice logged in', 'user bob logged in', 'user carol logged in']);
    expect(parsed[0]).toEqual(parsed[2]);
    expect(parsed[0]!.template).toBe('user <*> logged in');
  });

  it('derives ids from the template text, the same in every run', () => {
    const a = parseMessages(['disk sda1 full', 'service started in 12 ms']);
    const b = parseMessages(['service started in 99 ms', 'disk sda1 full']);
    expect(a[1]!.clusterId).toBe(b[0]!.clusterId);
    expect(a[1]!.clusterId).toBe(templateId('service started in <*> ms'));
  });

  it('keeps recurring states apart instead of turning them into variables', () => {
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      messages.push(`attempt_${i}_m_0 TaskAttempt Transitioned from NEW to UNASSIGNED`);
      messages.push(`attempt_${i}_m_0 TaskAttempt Transitioned from UNASSIGNED to ASSIGNED`);
    }
    const templates = new Set(parseMessages(messages).map((p) => p.template));
    expect(templates).toEqual(
      new Set([
        '<*> TaskAttempt Transitioned from NEW to UNASSIGNED',
        '<*> TaskAttempt Transitioned from UNASSIGNED to ASSIGNED',
      ]),
    );
  });

  it('keeps an absent value (key=) apart from a present one (key=value)', () => {
    const messages = [
      'authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=',
      ...[1, 2, 3, 4, 5].map(
        (i) => `authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.${i}`,
      ),
    ];
    const parsed = parseMessages(messages);
    expect(parsed[0]!.clusterId).not.toBe(parsed[1]!.clusterId);
    expect(new Set(parsed.slice(1).map((p) => p.clusterId)).size).toBe(1);
  });

  it('keeps a value that varied freely a variable when a structural split isolates recurring ones', () => {
    const messages: string[] = [];
    for (const user of ['cyrus', 'news', 'test']) {
      for (let i = 0; i < 3; i++) messages.push(`session opened for user ${user} by (uid=${i})`);
    }
    messages.push('session opened for user root by LOGIN(uid=0)');
    const templates = new Set(parseMessages(messages).map((p) => p.template));
    expect(templates).toEqual(
      new Set(['session opened for user <*> by (uid=<*>)', 'session opened for user root by LOGIN(uid=<*>)']),
    );
  });

  it('joins messages whose first word varies when every other constant word agrees', () => {
    const job = (name: string, s: number) =>
      `${name}: scheduler_evaluate_activity told me to run this job; however, but the start time isn't for ${s} seconds.`;
    const parsed = parseMessages([
      job('com.apple.CacheDelete.daily', 439),
      job('com.apple.icloud.fmfd.heartbeat', 62),
      job('com.apple.SoftwareUpdate.Activity', 3),
    ]);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set([
        "com.apple.<*>: scheduler_evaluate_activity told me to run this job; however, but the start time isn't for <*> seconds.",
      ]),
    );
  });

  it('joins another first word only with as many agreeing constant words as firstWordMinConstants asks', () => {
    const lines = [
      'outlook.exe - cdn.example.net resolve via proxy, took 234 ms',
      'java.exe - cdn.example.net resolve via proxy, took 293 ms',
    ];
    // Seven constant words agree after the first.
    expect(new Set(parseMessages(lines).map((p) => p.clusterId)).size).toBe(1);
    expect(new Set(parseMessages(lines, { firstWordMinConstants: 8 }).map((p) => p.clusterId)).size).toBe(2);
  });

  it('makes a pod name a variable whatever its random suffix (letters only, or with digits)', () => {
    const pods = ['x2k4p', 'bdczq', 'mvtlr', 'q9wzn', 'hhkrd', 'tzx7c'].map(
      (s, i) => `checkout-7d9f8b6c${i}-${s}`,
    );
    const parsed = parseMessages(
      pods.flatMap((p) => [`Started container app in pod ${p}`, `Pulled image for pod ${p}`]),
    );
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      // The deployment's name, shared by every pod, stays.
      new Set(['Started container app in pod checkout-<*>', 'Pulled image for pod checkout-<*>']),
    );
  });

  it('makes a UUID a variable when one of its groups is all letters', () => {
    const parsed = parseMessages([
      '[instance: 3edec1e4-bdcc-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)',
      '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)',
      '[instance: faf1a1f6-2e4c-4fea-aefa-d2a3c2a0b7f5] VM Started (Lifecycle Event)',
    ]);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['[instance: <*>] VM Started (Lifecycle Event)']),
    );
  });

  it('makes a word a variable when many messages differ only there (stack frames, program names)', () => {
    const classes = ['OrderService', 'CartController', 'PaymentGateway', 'UserResource', 'JsonMapper'];
    const methods = ['place', 'get', 'update'];
    const frames = classes.flatMap((c, i) =>
      methods.map((m, j) => `\tat com.example.${c}.${m}(${c}.java:${10 * i + j + 1})`),
    );
    const programs = [
      'chrome.exe',
      'Skype.exe',
      'git.exe',
      'svchost.exe',
      'outlook.exe',
      'curl.exe',
      'ssh.exe',
      'node.exe',
      'java.exe',
    ];
    const proxied = programs.map(
      (p, i) => `${p} - proxy.example.com:${5000 + i} open through proxy proxy.example.com:5070 HTTPS`,
    );
    const parsed = parseMessages([...frames, ...proxied]);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['at com.example.<*>.java:<*>)', '<*>.exe - <*> open through proxy <*> HTTPS']),
    );
  });

  it('makes a program name a variable across events whose last word is a state (HTTPS, SOCKS5)', () => {
    const programs = ['chrome.exe', 'Skype.exe', 'git.exe', 'svchost.exe', 'outlook.exe', 'curl.exe'];
    const more = ['ssh.exe', 'node.exe', 'java.exe', 'Teams.exe', 'Code.exe', 'Slack.exe'];
    const line = (p: string, i: number, kind: string) =>
      `${p} - host${i}.example.com:443 open through proxy proxy.example.com:5070 ${kind}`;
    // Each program opens both kinds before the next program appears, as in a proxy's log.
    const messages = [...programs, ...more].flatMap((p, i) => [
      line(p, i, 'HTTPS'),
      line(p, i + 1, 'SOCKS5'),
      line(p, i + 2, 'HTTPS'),
      line(p, i + 3, 'SOCKS5'),
    ]);
    const parsed = parseMessages(messages);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['<*>.exe - <*> open through proxy <*> HTTPS', '<*>.exe - <*> open through proxy <*> SOCKS5']),
    );
  });

  it('reads any value of a key=value token as data, not as a different structure', () => {
    const parsed = parseMessages(
      ['null', 'WorkSource{10023}', 'null', 'WorkSource{10077}', 'WorkSource{10011}', 'null'].map(
        (ws, i) => `acquire lock=${1000 + i}, tag="*alarm*", ws=${ws}, uid=${1000 + i}`,
      ),
    );
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['acquire lock=<*>, tag="*alarm*", ws=<*> uid=<*>']),
    );
  });

  it('makes a position of units of one kind a variable, not a state (KB, MB)', () => {
    const parsed = parseMessages(
      ['KB', 'MB', 'KB', 'MB', 'KB', 'MB'].map(
        (u, i) => `Block rdd_${i}_1 stored as values in memory (estimated size ${i}.5 ${u}, free 3.${i} GB)`,
      ),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('gives one id to an event printed with optional variable fragments (a unit, `*64`, `(2.00 KB)`)', () => {
    const programs = ['chrome.exe', 'Skype.exe', 'git.exe', 'svchost.exe', 'outlook.exe', 'curl.exe'];
    const lines: string[] = [];
    programs.forEach((p, i) => {
      for (let k = 0; k < 4; k++) {
        const sent = k % 2 === 0 ? `${10 + i} bytes` : `${2048 + i} bytes (2.0${i} KB)`;
        const life = k < 2 ? '<1 sec' : `00:0${i}`;
        lines.push(
          `${p}${k === 3 ? ' *64' : ''} - host${i}.example.com:443 close, ${sent} sent, lifetime ${life}`,
        );
      }
    });
    const parsed = parseMessages(lines);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('keeps apart events whose words differ where a fragment is optional (a key=value at the end)', () => {
    const base = 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.';
    const parsed = parseMessages(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? `${base}${i}` : `${base}${i}  user=root`)),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(2);
  });

  it('reads a word in a key=value of a group as a value of that key (oldVal=d for oldVal=<*>)', () => {
    const lines = Array.from(
      { length: 12 },
      (_, i) =>
        `setSystemUiVisibility vis=${1000 + i} mask=7 oldVal=${2000 + i} newVal=${3000 + i} diff=${40 + i}`,
    );
    lines.push('setSystemUiVisibility vis=7ec mask=7 oldVal=d newVal=b diff=c');
    const parsed = parseMessages(lines);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('reads a numbered name (mesos-slave-17) and a fully masked host as values of one position', () => {
    const hosts = ['worker-2.example.org,', 'mesos-slave-17,', 'worker-1.example.org,', 'mesos-slave-4,'];
    const parsed = parseMessages(
      Array.from(
        { length: 8 },
        (_, i) => `Registered BlockManager BlockManagerId(${i}, ${hosts[i % 4]} ${30000 + i})`,
      ),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('reads a process numbered by its id (QQ.10018, NeteaseMusic.17988) as a value, not a structure', () => {
    const hit = (p: string, tc: number, ip: string) =>
      `__42-[NETClientConnection evaluateCrazyIvan46]_block_invoke CI46 - Hit by torpedo! ${p} tc${tc} ${ip}`;
    const parsed = parseMessages([
      hit('QQ.10018', 19060, '125.39.133.143:14000'),
      hit('QQ.10018', 20795, '14.17.42.14:14000'),
      hit('NeteaseMusic.17988', 9008, '103.251.128.144:80'),
      hit('QQ.10018', 21242, '119.81.102.227:80'),
    ]);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('reads a numbered name as a value whatever punctuation closes it (mesos-slave-17):)', () => {
    const hosts = ['worker-2.example.org):', 'mesos-slave-17):', 'worker-1.example.org):', 'mesos-slave-4):'];
    const parsed = parseMessages(
      Array.from({ length: 8 }, (_, i) => `Lost task ${i}.0 (TID ${7000 + i}, ${hosts[i % 4]} reset by peer`),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('gives one template to a byte count printed with or without its unit, glued or spaced', () => {
    const sizes = ['512', '512KB', '1.5MB', '512 KB', '12 bytes', '7', '99 KB', '3KB'];
    const parsed = parseMessages(
      sizes.map((s) => `Memory usage ${s} exceeds limit for pod checkout-7d9f8b6c5-x2k4p`),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('gives one template to a list of values whatever its length', () => {
    const list = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => `node-${from + i} 0x${(from * 7 + i).toString(16)}fe <ok>`).join(
        ' ',
      );
    const parsed = parseMessages(
      [2, 4, 4, 5, 13, 2, 3].map((n, k) => `inconsistent nodesets ${list(n, 10 * k)}`),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('reads the fields of a JSON object as tokens, so one field varying does not make a new template', () => {
    const parsed = parseMessages(
      ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'].map(
        (u, i) =>
          `{"level":"warn","msg":"slow query","duration":"${i * 7}ms","user":"${u}","bytes":"${i} KB"}`,
      ),
    );
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['{"level":"warn", "msg":"slow query", "duration":"<*>", "user":"<*>", "bytes":"<*> KB"}']),
    );
  });

  it('gives one template to a bracketed value printed as different numbers of tokens', () => {
    const jobs = [
      '(/opt/jobs/rotate.sh)',
      '(nice run-parts /etc/cron.daily)',
      '(/usr/bin/php /srv/cron.php 5 2)',
    ];
    const lines: string[] = [];
    for (let i = 0; i < 12; i++)
      lines.push(`scheduler[${100 + i}]: job ${jobs[i % 3]} started for batch ${i}`);
    const parsed = parseMessages(lines);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('reads a null literal and an object printed in its place as one value', () => {
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      const from = i % 3 === 0 ? 'null' : `Task{${(0xa1b2 + i).toString(16)} id=${i} org.example.Worker}`;
      lines.push(
        `Scheduler: moving focus from ${from} to Task{${(0xc3d4 + i).toString(16)} id=${i + 1} org.example.Worker}`,
      );
    }
    const parsed = parseMessages(lines);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('gives one template to an embedded JSON object whatever number of fields it has', () => {
    const objects = [
      (i: number) => `{"state": "ready", "bytes": ${1000 + i}}`,
      (i: number) => `{"state": "ready", "bytes": ${2000 + i}, "owner": "team-${i}"}`,
      (i: number) => `{"state": "ready", "bytes": ${3000 + i}, "owner": "team-${i}", "zone": ${i}}`,
    ];
    const parsed = parseMessages(
      Array.from({ length: 12 }, (_, i) => `registry.api returning volume record: ${objects[i % 3]!(i)}`),
    );
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(1);
  });

  it('keeps apart bracketed texts that differ from their start, and bracketed states of one length', () => {
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) {
      lines.push(`[sync.queue] [Adding [<RefreshOperation: 0x${i}f>] to failed operations.]`);
      lines.push(`[sync.queue] [Account ${i}f timed out when executing <RefreshOperation: 0x${i}e>]`);
      lines.push(`Failed to open package. [HRESULT = 0x8007${i} - ERROR_FILE_NOT_FOUND]`);
      lines.push(`Failed to open package. [HRESULT = 0x8007${i} - E_INVALID_DATA]`);
    }
    const parsed = parseMessages(lines);
    expect(new Set(parsed.map((p) => p.clusterId)).size).toBe(4);
  });

  it('splits messages that met by their length only, with their words shifted, and joins each part to its event', () => {
    // Proxifier prints a byte count's human form only from 1 KB on, so lines of one length can hold `sent,` at
    // different positions; grouped by position they lost the word and stayed out of the event's template.
    const programs = [
      'chrome',
      'firefox',
      'svchost',
      'python',
      'java',
      'Dropbox',
      'OneDrive',
      'Teams',
      'slack',
      'git',
    ];
    const lines = programs.map(
      (p, i) =>
        `${p}.exe - www.google.com:443 close, ${7594 + i} bytes (7.${i}2 KB) sent, ${6911201 + i} bytes (6.5${i} MB) received, lifetime 00:0${i}`,
    );
    lines.push(
      'outlook.exe - api.github.com:443 close, 522 bytes sent, 1338083 bytes (1.28 MB) received, lifetime <1 sec',
      'outlook.exe - api.github.com:80 close, 2615244 bytes (2.49 MB) sent, 39 bytes received, lifetime <1 sec',
    );
    const parsed = parseMessages(lines);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['<*>.exe - <*> close, <*> bytes (<*> KB) sent, <*> bytes (<*> MB) received, lifetime <*>']),
    );
  });

  it('gives a group made before its positions were known to vary the template of the group that learned it', () => {
    // The first line is a group of its own; the others meet elsewhere and learn that the program and the host
    // vary. Its template is an instance of theirs.
    const parsed = parseMessages([
      'python.exe - login.live.com resolve via proxy, took 381 ms',
      'outlook.exe - cdn.example.net resolve via proxy, took 234 ms',
      'java.exe - cdn.example.net resolve via proxy, took 293 ms',
      'outlook.exe - update.microsoft.com resolve via proxy, took 371 ms',
      'svchost.exe - login.live.com resolve via proxy, took 369 ms',
      'python.exe - login.live.com resolve via proxy, took 16 ms',
    ]);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['<*>.exe - <*> resolve via proxy, took <*> ms']),
    );
    // Decoration is structure, which a variable does not stand for (`****` in HPC's fan speeds).
    const fans = parseMessages([
      'Fan speeds ( 3552 3534 3375 **** 3515 3479 )',
      'Fan speeds ( 3552 3534 3375 **** 3515 3479 )',
      'Fan speeds ( 3552 3534 3375 4225 3515 3479 )',
      'Fan speeds ( 3552 3534 3375 4245 3515 3479 )',
    ]);
    expect(fans[0]!.clusterId).not.toBe(fans[2]!.clusterId);
  });

  it('keeps short messages with different first words apart', () => {
    const parsed = parseMessages([
      'DMA zone: 4096 pages, LIFO batch:0',
      'Normal zone: 225280 pages, LIFO batch:31',
    ]);
    expect(parsed[0]!.clusterId).not.toBe(parsed[1]!.clusterId);
  });

  it('keeps the brackets that every value of a variable position shares', () => {
    const parsed = parseMessages([
      'connection from 10.0.0.1 (gw.example.com) closed',
      'connection from 10.0.0.2 (db.internal) closed',
      'connection from 10.0.0.3 (cache) closed',
    ]);
    expect(parsed[0]!.template).toBe('connection from <*> (<*>) closed');
  });

  it('keeps each code constant (RUNNING, FAIL_TASK_CLEANUP) its own event, however rare', () => {
    const moves = [
      ['UNASSIGNED', 'ASSIGNED'],
      ['ASSIGNED', 'RUNNING'],
      ['RUNNING', 'FAIL_CONTAINER_CLEANUP'],
      ['FAIL_CONTAINER_CLEANUP', 'FAIL_TASK_CLEANUP'],
      ['FAIL_TASK_CLEANUP', 'FAILED'],
      ['RUNNING', 'SUCCEEDED'],
    ];
    const messages = moves.map(([a, b], i) => `attempt_${i}_m_0 TaskAttempt Transitioned from ${a} to ${b}`);
    messages.push('attempt_9_m_0 TaskAttempt Transitioned from UNASSIGNED to ASSIGNED');
    const parsed = parseMessages(messages);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(moves.map(([a, b]) => `<*> TaskAttempt Transitioned from ${a} to ${b}`)),
    );
  });

  it('reads an unmasked value in a masked pattern as the same structure', () => {
    const parsed = parseMessages([
      'ciod: LOGIN chdir(/p/gb1/run7) failed: No such file or directory',
      'ciod: LOGIN chdir(/home/x/y) failed: No such file or directory',
      'ciod: LOGIN chdir(pwd) failed: No such file or directory',
    ]);
    expect(new Set(parsed.map((p) => p.template))).toEqual(
      new Set(['ciod: LOGIN chdir(<*>) failed: No such file or directory']),
    );
  });

  it('does not merge messages that share only masked values', () => {
    const parsed = parseMessages(['lr:00000001 cr:42 xer:2 ctr:7', '12 double-hummer alignment exceptions']);
    expect(parsed[0]!.clusterId).not.toBe(parsed[1]!.clusterId);
  });
});

describe('createTemplateMiner', () => {
  it('counts messages per cluster', () => {
    const miner = createTemplateMiner();
    for (let i = 0; i < 10; i++) miner.add(`request ${i} served in ${i * 3} ms`);
    miner.add('cache cleared');
    const clusters = miner.clusters();
    expect(clusters).toEqual([
      {
        clusterId: templateId('request <*> served in <*> ms'),
        template: 'request <*> served in <*> ms',
        count: 10,
      },
      { clusterId: templateId('cache cleared'), template: 'cache cleared', count: 1 },
    ]);
  });

  it('stays within its cluster cap on an endless stream of distinct events', () => {
    const miner = createTemplateMiner({ maxClusters: 50 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'fox', 'golf', 'hotel'];
    for (let i = 0; i < 5000; i++) {
      // Letters only, so nothing is masked: every message is a new event.
      const w = i
        .toString(8)
        .split('')
        .map((d) => words[Number(d)]);
      miner.add(`${w.join('')} ${w.reverse().join('')}`);
      expect(miner.size().clusters).toBeLessThanOrEqual(50);
    }
    // The recent ones are kept.
    expect(miner.clusters().length).toBeGreaterThan(40);
  });

  it('counts a repeated message again after its cluster was evicted', () => {
    const miner = createTemplateMiner({ maxClusters: 10 });
    miner.add('cache warmed');
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'fox', 'golf', 'hotel'];
    let last = '';
    for (let i = 0; i < 200; i++) {
      const w = i
        .toString(8)
        .split('')
        .map((d) => words[Number(d)]);
      last = `${w.join('')} ${w.reverse().join('')} happened`;
      miner.add(last);
    }
    // The least recently seen cluster went, the newest stayed, and no shape outlived its cluster.
    expect(miner.clusters().some((c) => c.template === 'cache warmed')).toBe(false);
    expect(miner.clusters().some((c) => c.template === last)).toBe(true);
    expect(miner.size().shapes).toBeLessThanOrEqual(10);
    miner.add('cache warmed');
    expect(miner.clusters().find((c) => c.template === 'cache warmed')?.count).toBe(1);
  });
});

describe('releasing shapes (onRelease)', () => {
  // Words without digits, so that masking keeps them and every message is a shape of its own.
  const word = (i: number) => {
    let s = '';
    for (let n = i + 26; n > 0; n = Math.floor(n / 26)) s += String.fromCharCode(97 + (n % 26));
    return s;
  };
  const messages: string[] = [];
  for (let i = 0; i < 3000; i++) {
    messages.push(`worker ${word(i)} finished job ${word(i * 7)} for tenant ${word(i % 13)}`);
    messages.push(`queue ${word(i % 500)} ${word(i)} drained after retry`);
    if (i % 3 === 0) messages.push(`event ${word(i)} kind ${word(i % 40)} at stage ${word(i % 5)} done now`);
  }
  const options = { maxClusters: 30, maxShapesPerCluster: 6 };

  it('hands over stand-ins that resolve as the shapes would, and keeps no released shape', () => {
    const held = new Map<ShapeRef, number>();
    const refs: ShapeRef[] = [];
    let released = 0;
    const miner = createTemplateMiner({
      ...options,
      onRelease(shape, standIn) {
        released++;
        const k = held.get(shape);
        if (k === undefined) return;
        held.delete(shape);
        refs[k] = standIn;
      },
    });
    const lines = messages.map((m) => {
      const ref = miner.current(miner.addShape(m));
      let k = held.get(ref);
      if (k === undefined) {
        k = refs.length;
        refs.push(ref);
        held.set(ref, k);
      }
      return k;
    });
    const resolved = refs.map((r) => miner.resolve(r));
    expect(lines.map((k) => resolved[k])).toEqual(parseMessages(messages, options));
    expect(released).toBeGreaterThan(1000);
    // Only shapes still in the miner (at most maxShapesPerCluster per group) and stand-ins stay held.
    const standIns = new Set(refs.filter((r) => !held.has(r) || r.key === '')).size;
    expect(held.size).toBeLessThanOrEqual(options.maxClusters * options.maxShapesPerCluster + standIns);
    expect(held.size).toBeLessThan(messages.length / 10);
  });
});
