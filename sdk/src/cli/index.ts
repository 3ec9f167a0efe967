#!/usr/bin/env node
/**
 * The `clustershare` command (a bin of @clustershare/sdk): ClusterShare's reads and actions from a shell, for
 * operators, scripts and AI agents. `clustershare --help` lists the commands; see run.ts.
 */
import { runCli } from "./run";

runCli(process.argv.slice(2), process.env).then(
  ({ exitCode, stdout, stderr }) => {
    if (stdout) process.stdout.write(`${stdout}\n`);
    if (stderr) process.stderr.write(`${stderr}\n`);
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
