// The configuration an operator's command runs with, or its message on stderr and the command's
// exit code for a bad setting (what the server would refuse to start on).
import { ConfigError, loadConfig, type Config } from "../src/config.js";

export function configOrExit(exitCode: number): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(exitCode);
  }
}
