import { readFile } from 'node:fs/promises';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { issueToken, parseDuration, ROLES, type Role } from '@onair/realtime';
import type { CliIo } from './cli.js';

/** Exit code of `tokens issue` when the caller is at fault: a bad or missing option, no usable secret. */
const TOKENS_USAGE_EXIT = 2;

interface IssueFlags {
  user: string;
  name: string;
  role: Role[];
  room?: string[];
  ttl: number;
  secretFile?: string;
  issuer?: string;
  audience?: string;
}

/**
 * Adds `tokens issue` to `program`: it writes one token and a line break to `io.stdout`, and nothing else. The signing
 * secret comes from `--secret-file`, `ONAIR_JWT_SECRET` or the file `ONAIR_JWT_SECRET_FILE` names, in `io.env`. A bad or missing option, or a missing, unreadable
 * or short secret, is a usage error with exit code {@link TOKENS_USAGE_EXIT} whose message never holds the secret.
 */
export function addTokensCommand(program: Command, io: CliIo): void {
  const tokens = program.command('tokens').description('issue viewer tokens (JWT) for danmaku and chat');
  const issue = tokens
    .command('issue')
    .description(
      'print a viewer token signed with HS256; services take it when their <SERVICE>_JWT_SECRET is the same secret',
    )
    .requiredOption('--user <id>', 'user id (the sub claim), 1 to 128 characters')
    .requiredOption('--name <display>', 'display name, 1 to 64 characters')
    .requiredOption(`--role <role>`, `a role, repeatable: ${ROLES.join(', ')}`, collectRole)
    .option('--room <room>', 'a room the token is good for, repeatable (default: every room)', collect)
    .addOption(
      new Option('--ttl <duration>', 'how long the token is good for: s, m, h or d, e.g. 30m')
        .argParser(parseTtl)
        .default(parseTtl('1h'), '1h'),
    )
    .option(
      '--secret-file <path>',
      'file holding the signing secret, 32+ bytes (a trailing line break is ignored); default: env ONAIR_JWT_SECRET, ' +
        'then the file env ONAIR_JWT_SECRET_FILE names',
    )
    .option('--issuer <iss>', 'iss claim, for services that set <SERVICE>_JWT_ISSUER')
    .option('--audience <aud>', 'aud claim, for services that set <SERVICE>_JWT_AUDIENCE')
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(TOKENS_USAGE_EXIT, err.code, err.message);
    });
  issue.action(async (flags: IssueFlags) => {
    const secret = await signingSecret(flags.secretFile, io.env).catch((err: unknown) =>
      issue.error(`error: ${err instanceof Error ? err.message : String(err)}`),
    );
    const grant = { userId: flags.user, name: flags.name, roles: flags.role, rooms: flags.room };
    try {
      io.stdout(`${await issueToken(secret, grant, flags.ttl, { issuer: flags.issuer, audience: flags.audience })}\n`);
    } catch (err) {
      if (!isInvalidArgument(err)) throw err;
      issue.error(`error: ${err.field ? `${err.field}: ` : ''}${err.message}`);
    }
  });
}

/** The secret from the file (without one trailing line break) or the environment; never echoed in an error. */
async function signingSecret(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const file = flag ?? (env.ONAIR_JWT_SECRET ? undefined : env.ONAIR_JWT_SECRET_FILE);
  if (file !== undefined && file !== '') {
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new Error(`cannot read the secret file: ${err instanceof Error ? err.message : String(err)}`);
    });
    return text.replace(/\r?\n$/, '');
  }
  const secret = env.ONAIR_JWT_SECRET;
  if (!secret)
    throw new Error('no signing secret: set ONAIR_JWT_SECRET (or ONAIR_JWT_SECRET_FILE) or give --secret-file <path>');
  return secret;
}

function isInvalidArgument(err: unknown): err is Error & { field?: string } {
  return err instanceof Error && 'code' in err && err.code === 'INVALID_ARGUMENT';
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectRole(value: string, previous: Role[] | undefined): Role[] {
  const role = ROLES.find((r) => r === value);
  if (role === undefined) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return [...(previous ?? []), role];
}

/**
 * A `--ttl` value in ms: a duration of at least 1 s.
 * @throws InvalidArgumentError otherwise.
 */
function parseTtl(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000) throw new InvalidArgumentError('expected a duration of at least 1s, e.g. 30m');
  return ms;
}
