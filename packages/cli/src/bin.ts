import { runDiffusionCli } from './program';

runDiffusionCli(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
