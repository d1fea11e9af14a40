import 'reflect-metadata';
import { ConfigError, loadConfig, readEnvironment } from './config/index';
import { startApp } from './app';
import { createLogger, startFailureMessage } from './infra/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example and the README's Configuration section.\n`);
      process.exit(1);
    }
    throw error;
  }
  // Pretty, coloured lines for a developer at a terminal; JSON lines everywhere else.
  const logger = createLogger(config.logLevel, { pretty: !config.isProduction && process.stdout.isTTY });
  const app = await startApp(config, logger);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second signal (Ctrl-C again) does not wait for the drain.
      logger.warn('second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${startFailureMessage(error)}\n`);
  process.exit(1);
});
