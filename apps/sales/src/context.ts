import DataLoader from 'dataloader';
import type { BaseContext } from '@crm/service';
import type { ProductEntity } from './entities/product.entity';
import type { ProductService } from './services/product-service';

export interface SalesContext extends BaseContext {
  products: ProductService;
  loaders: { product: DataLoader<string, ProductEntity | null> };
}

export function createContext(base: BaseContext, products: ProductService): SalesContext {
  return {
    ...base,
    products,
    loaders: { product: new DataLoader((ids: readonly string[]) => products.findByIds(ids)) },
  };
}
