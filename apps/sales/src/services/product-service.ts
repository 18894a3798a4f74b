import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { loadByIds } from '@crm/db';
import { badInput, type Connection, type PageArgs } from '@crm/graphql';
import { envString, uuidv7, type Clock } from '@crm/runtime';
import { listNewestFirst, type BaseContext } from '@crm/service';
import { ProductEntity } from '../entities/product.entity';
import { validateNewProduct, type NewProductInput } from '../domain/product-input';

export class ProductService {
  private readonly defaultCurrency = envString('DEFAULT_CURRENCY', 'IDR');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(input: NewProductInput, ctx: BaseContext): Promise<ProductEntity> {
    const user = requireUser(ctx);
    const draft = validateNewProduct(input, this.defaultCurrency);
    const repo = this.dataSource.getRepository(ProductEntity);
    if (draft.internalReference && (await repo.existsBy({ internalReference: draft.internalReference }))) {
      throw badInput('internalReference', `internal reference ${draft.internalReference} is already used`);
    }
    const now = this.clock.now();
    const product = repo.create({
      id: uuidv7(now.getTime()),
      ...draft,
      active: true,
      version: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: user.id,
      updatedBy: user.id,
    });
    await repo.insert(product);
    return product;
  }

  findByIds(ids: readonly string[]): Promise<(ProductEntity | null)[]> {
    return loadByIds(this.dataSource.getRepository(ProductEntity), ids);
  }

  list(args: PageArgs): Promise<Connection<ProductEntity>> {
    return listNewestFirst(this.dataSource.getRepository(ProductEntity), args);
  }
}
