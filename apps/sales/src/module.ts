import { join } from 'node:path';
import { loadTypeDefs, type SubgraphModule } from '@crm/service';
import { createContext, type SalesContext } from './context';
import { ProductEntity } from './entities/product.entity';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { ProductService } from './services/product-service';

export const salesModule: SubgraphModule<SalesContext> = {
  name: 'sales',
  schema: 'sales',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  entities: [ProductEntity],
  migrations,
  publishes: [],
  create(deps) {
    const products = new ProductService(deps.dataSource, deps.clock);
    return { resolvers, context: (base) => createContext(base, products) };
  },
};
