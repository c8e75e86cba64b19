import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const realFolder = (path: string): string | undefined => {
  try {
    return statSync(path).isDirectory() ? realpathSync(path) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The folder the user ran compare from. Run as a package script (`pnpm --dir <repo> compare …` from
 * a project of one's own, `pnpm compare` from a subfolder, `npm run compare`), the script runner
 * starts compare in the package's folder and leaves the user's folder in `INIT_CWD` (the npm
 * convention); compare then works there, as `pnpm bench:samplers` does: `--plugin <name>` is found
 * in that project's node_modules and relative paths (`--out`, `--config`, `--data`) are the user's.
 * Only when this process is that script itself (`npm_lifecycle_event` "compare", started in the
 * script's folder): a compare that another script starts elsewhere keeps its own working folder.
 */
export function userWorkingFolder(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.npm_lifecycle_event !== 'compare' || env.INIT_CWD === undefined || env.INIT_CWD === '') return cwd;
  const scriptFolder = env.PNPM_SCRIPT_SRC_DIR ?? (env.npm_package_json === undefined ? undefined : dirname(env.npm_package_json));
  if (scriptFolder === undefined || realFolder(scriptFolder) !== realFolder(cwd)) return cwd;
  return realFolder(env.INIT_CWD) ?? cwd;
}
