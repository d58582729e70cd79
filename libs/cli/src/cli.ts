import { Metadata } from '@grpc/grpc-js';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { formatRoom, formatRoomList, keyView, roomView } from './format.js';
import { readGrpcTls, type GrpcTls } from '@onair/grpc-kit';
import { createRoomsClient, type RoomsClient } from './rooms-client.js';
import { addTokensCommand } from './tokens-command.js';

/** Where the CLI writes and which environment it reads; the process's by default. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Default ingest gRPC address when neither --ingest nor ONAIR_INGEST_GRPC is given. */
export const DEFAULT_INGEST = '127.0.0.1:50051';

interface GlobalOptions {
  ingest: string;
  rtmp?: string;
  token?: string;
  json?: boolean;
}

/**
 * Runs the `onair` command line with `argv` (as process.argv: node, script, args...).
 * @returns the exit code: 0 on success, 1 when a call failed, the usage error code for bad arguments (commander's 1;
 * 2 for `tokens issue`).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('onair')
    .description('Manage Onair rooms, stream keys and recordings through an ingest server, and issue viewer tokens.')
    .option(
      '--ingest <host:port>',
      'ingest gRPC address (env ONAIR_INGEST_GRPC)',
      parseAddress,
      io.env.ONAIR_INGEST_GRPC || DEFAULT_INGEST,
    )
    .option(
      '--token <token>',
      "admin token, sent as gRPC metadata 'authorization: Bearer <token>'; needed when ingest sets " +
        'INGEST_ADMIN_TOKEN (env ONAIR_ADMIN_TOKEN, which keeps it out of the process list)',
    )
    .option(
      '--rtmp <url>',
      'RTMP application URL publishers use (env ONAIR_RTMP_URL; default rtmp://<ingest host>/live)',
      io.env.ONAIR_RTMP_URL,
    )
    .option('--json', 'print JSON instead of text')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  let exitCode = 0;
  const run = async (action: (client: RoomsClient, opts: GlobalOptions) => Promise<string>): Promise<void> => {
    const opts = program.opts<GlobalOptions>();
    let client: RoomsClient | undefined;
    try {
      client = createRoomsClient(opts.ingest, opts.token ?? io.env.ONAIR_ADMIN_TOKEN, cliTls(io.env));
      io.stdout(await action(client, opts));
    } catch (err) {
      io.stderr(`onair: ${describeError(err, opts.ingest)}\n`);
      exitCode = 1;
    } finally {
      client?.close();
    }
  };
  const rtmpUrl = (opts: GlobalOptions): string => opts.rtmp ?? `rtmp://${hostOf(opts.ingest)}/live`;

  const rooms = program
    .command('rooms')
    .description('create, list, inspect and update rooms, rotate their stream keys, end their live publishes');
  rooms
    .command('create <id>')
    .description('create a room and print its stream key')
    .option('--title <title>', 'room title (default: the id)', '')
    .action((id: string, cmd: { title: string }) =>
      run(async (client, opts) => {
        const res = await client.create(id, cmd.title);
        const room = roomView(res.room);
        const key = keyView(res.streamKey, rtmpUrl(opts));
        return opts.json ? json({ room, ...key }) : formatRoom(room, key);
      }),
    );
  rooms
    .command('list')
    .description('list every room')
    .action(() =>
      run(async (client, opts) => {
        const list = (await client.list()).rooms.map(roomView);
        return opts.json ? json({ rooms: list }) : formatRoomList(list);
      }),
    );
  rooms
    .command('get <id>')
    .description('show one room')
    .action((id: string) =>
      run(async (client, opts) => {
        const room = roomView((await client.get(id)).room);
        return opts.json ? json({ room }) : formatRoom(room);
      }),
    );
  rooms
    .command('rotate-key <id>')
    .description("replace a room's stream key (the old one stops working at once) and print the new one")
    .action((id: string) =>
      run(async (client, opts) => {
        const res = await client.rotateKey(id);
        const room = roomView(res.room);
        const key = keyView(res.streamKey, rtmpUrl(opts));
        return opts.json ? json({ room, ...key }) : formatRoom(room, key);
      }),
    );

  rooms
    .command('update <id>')
    .description("change a room's title or whether it is recorded (from its next publish)")
    .option('--record <on|off>', "record the room's publishes, or stop", parseOnOff)
    .option('--title <title>', 'new title (blank: the id)')
    .action((id: string, cmd: { record?: boolean; title?: string }) =>
      run(async (client, opts) => {
        if (cmd.record === undefined && cmd.title === undefined) throw new Error('give --record on|off or --title');
        const room = roomView((await client.update(id, { title: cmd.title, record: cmd.record })).room);
        return opts.json ? json({ room }) : formatRoom(room);
      }),
    );

  rooms
    .command('end <id>')
    .description(
      "end the room's live publish now: its publisher is disconnected with no reconnect grace period and viewers " +
        'see the stream end (a publisher may come back with the key: rotate-key first to keep it out)',
    )
    .action((id: string) =>
      run(async (client, opts) => {
        const { publishId } = await client.endPublish(id);
        return opts.json ? json({ room: id, publishId }) : `ended publish ${publishId} of room ${id}\n`;
      }),
    );

  program
    .command('recordings')
    .description('delete recordings from the origin relays')
    .command('delete <room> <publishId>')
    .description(
      'delete a recorded publish from every origin relay that holds it; publishId as a relay lists it at ' +
        'GET /api/recordings?room=<room>',
    )
    .action((room: string, publishId: string) =>
      run(async (client, opts) => {
        const { deletedBytes } = await client.deleteRecording(room, publishId);
        return opts.json
          ? json({ room, publishId, deletedBytes })
          : `deleted recording ${publishId} of room ${room} (${deletedBytes} bytes)\n`;
      }),
    );

  addTokensCommand(program, io);

  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}

/**
 * The CLI's mTLS identity from ONAIR_GRPC_TLS_CA_FILE, ONAIR_GRPC_TLS_CERT_FILE and ONAIR_GRPC_TLS_KEY_FILE (a
 * certificate named `cli`, as deploy/tls/make-dev-certs.sh makes); undefined (plaintext) when none is set.
 * @throws Error naming the files when only some are set or one cannot be read.
 */
export function cliTls(env: NodeJS.ProcessEnv): GrpcTls | undefined {
  return readGrpcTls({
    caFile: env.ONAIR_GRPC_TLS_CA_FILE ?? '',
    certFile: env.ONAIR_GRPC_TLS_CERT_FILE ?? '',
    keyFile: env.ONAIR_GRPC_TLS_KEY_FILE ?? '',
    peers: ['ingest'],
  });
}

function processIo(): CliIo {
  return { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Checks an `--ingest` value: a non-empty address without spaces.
 * @throws InvalidArgumentError (commander prints it as a usage error) otherwise.
 */
export function parseAddress(value: string): string {
  if (!/^\S+$/.test(value)) throw new InvalidArgumentError('expected host:port, e.g. 127.0.0.1:50051');
  return value;
}

/**
 * Reads an on/off switch (`on`, `off`, also `true`/`false`, `yes`/`no`).
 * @throws InvalidArgumentError (commander prints it as a usage error) for anything else.
 */
export function parseOnOff(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'on' || v === 'true' || v === 'yes') return true;
  if (v === 'off' || v === 'false' || v === 'no') return false;
  throw new InvalidArgumentError('expected on or off');
}

/** The host part of "host:port" (brackets kept for IPv6). */
export function hostOf(address: string): string {
  const at = address.lastIndexOf(':');
  return at > 0 ? address.slice(0, at) : address;
}

/**
 * Whether ingest itself answered the failed call: grpc-js keeps the response headers (`content-type` among them) in
 * the error's metadata only when the server sent them, never for a connection that failed.
 */
function answeredByServer(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof Error && 'metadata' in cause && cause.metadata instanceof Metadata
    ? cause.metadata.get('content-type').length > 0
    : false;
}

/**
 * A one-line explanation of a failed call: the error code and the server's message, or why ingest is unreachable
 * (UNAVAILABLE that ingest did not answer itself; when it did, e.g. it cannot reach NATS, its message is shown).
 */
export function describeError(err: unknown, address: string): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  const message = (err instanceof Error ? err.message : String(err)).replace(/\.?\s*Resolution note:.*$/s, '');
  if (code === 'UNAVAILABLE' && !answeredByServer(err))
    return `cannot reach ingest at ${address} (${message}); is it running? (--ingest or ONAIR_INGEST_GRPC)`;
  if (code === 'UNAUTHENTICATED')
    return `unauthenticated: ${message} (give the admin token: --token or ONAIR_ADMIN_TOKEN)`;
  return code ? `${code.toLowerCase().replace(/_/g, ' ')}: ${message}` : message;
}
