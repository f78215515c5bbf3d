#!/usr/bin/env node
/**
 * `npx charter <command>`: offline tools for data scientists and CI pipelines. Each subcommand
 * is a function (argv, io) -> exit code that lives in its own module; add new ones to COMMANDS.
 */
import { runScanCommand, type CommandIo } from '../pii/scan-command';
import { runVerifyReportCommand } from '../reports/verify-command';

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  scan: { run: runScanCommand, summary: 'classify the columns of a CSV, JSON Lines or Parquet file by personal data' },
  'verify-report': {
    run: runVerifyReportCommand,
    summary: 'check that a pack.pdf, pack.json or manifest.json is a compliance pack Charter produced, unchanged',
  },
};

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `usage: charter <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "charter <command> --help" for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`charter: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`charter: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
