import { CommanderError, type Command } from 'commander';
import { DiffusionError } from '@diffusion/core';
import { ConfigError } from './config';

// Exit codes of diffusion-compare: 0 done; 2 bad input (flags, config, plugins, names, the output
// folder or a file in it), with a one-line message; 1 a failure during the run (a diverging
// training, a bug), with its stack unless it is a DiffusionError; 130 interrupted (Ctrl-C).

/** Parses the command line; a bad flag or value (commander has printed why) gives exit code 2, help/version 0. */
export function parseArguments(program: Command): number | undefined {
  program.exitOverride();
  try {
    program.parse();
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}

const inputErrorCodes = new Set(['unknown-name', 'invalid-option', 'unsupported-version', 'io']);

/** The exit code and the message line of an error that ended a run. */
export function exitCodeOf(error: unknown): { code: number; message: string } {
  if (error instanceof ConfigError) return { code: 2, message: error.message };
  if (error instanceof DiffusionError) return { code: inputErrorCodes.has(error.code) ? 2 : 1, message: error.message };
  return { code: 1, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
