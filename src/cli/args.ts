/** Command-line parsing: the contract of DESIGN.md "Command line". */

export type OutputFormat = 'text' | 'json' | 'ndjson';

export interface CliOptions {
  format: OutputFormat;
  trustStore: string | null;
  host: string | null;
  keylog: string | null;
  quiet: boolean;
  /**
   * --jobs: for one capture, the shards (threads) it is split over; for several, files analyzed at
   * once. Null: the defaults (see run.ts shardsByDefault; one file per core).
   */
  jobs: number | null;
  color: boolean | null;
  help: boolean;
  version: boolean;
  inputs: string[];
}

/** A usage mistake: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: tls-handshake-analyzer [options] <capture> [<capture> ...]
Reads pcap/pcapng captures (gzip too; - reads stdin) and explains every failed TLS handshake.

Options:
  --format text|json|ndjson   output format (default text; ndjson: one connection a line as each completes)
  --trust-store <pem-file>    roots to validate certificate chains against (default: Node's bundled roots)
  --host <name>               the host the client meant to reach, where it sent no server_name
  --keylog <file>             SSLKEYLOGFILE for TLS 1.3 decryption (roadmap: not implemented yet)
  -j, --jobs <n>              one capture: split it by server over n threads (n-1 worker threads;
                              default: one shard per two cores from 4 cores, at most 4; one thread
                              below 4 cores); several captures: files analyzed at once, each in a
                              worker thread (default: one per core)
  --quiet                     no warnings or progress on stderr
  --color / --no-color        force colors on or off in text output (default: on for a terminal)
  -h, --help                  this help
  -V, --version               the version

Several captures: one report per file, in the order given (json: {"schemaVersion":1,"reports":[...]};
ndjson: each line carries "file").
Exit status: 0 no failed handshake, 1 at least one failed handshake, 2 unreadable input or bad usage
(the highest over all files).`;

/** Parses argv (without node and the script). */
export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    format: 'text', trustStore: null, host: null, keylog: null, quiet: false, jobs: null, color: null,
    help: false, version: false, inputs: [],
  };
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | null = null;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (name: string): string => (inline !== null ? inline : value(++i, name));
    switch (arg) {
      case '--format': {
        const f = take('--format');
        if (f !== 'text' && f !== 'json' && f !== 'ndjson') throw new UsageError(`--format must be text, json or ndjson, not "${f}"`);
        o.format = f;
        break;
      }
      case '--trust-store': o.trustStore = take('--trust-store'); break;
      case '--host': o.host = take('--host'); break;
      case '--keylog': o.keylog = take('--keylog'); break;
      case '--quiet': case '-q': o.quiet = true; break;
      case '--jobs': case '-j': {
        const j = take(arg);
        if (!/^[1-9][0-9]{0,3}$/.test(j)) throw new UsageError(`--jobs must be a whole number from 1, not "${j}"`);
        o.jobs = Number(j);
        break;
      }
      case '--color': o.color = true; break;
      case '--no-color': o.color = false; break;
      case '--help': case '-h': o.help = true; break;
      case '--version': case '-V': o.version = true; break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        o.inputs.push(arg);
    }
  }
  if (!o.help && !o.version && o.inputs.length === 0) throw new UsageError('no capture given (a file, or - for stdin)');
  if (o.inputs.filter((x) => x === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  return o;
}
