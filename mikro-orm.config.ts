import 'reflect-metadata';
import { loadConfig, readEnvironment } from './src/config/index';
import { ENTITIES } from './src/entities';
import { buildOrmOptions } from './src/infra/db/ormOptions';

// Used by the MikroORM CLI (`npx mikro-orm migration:create`). The app and the tests call
// `buildOrmOptions` directly with their own config.
const options = buildOrmOptions({ ...loadConfig(readEnvironment()), entities: ENTITIES });
export default { ...options, migrations: { ...options.migrations, snapshot: true } };
