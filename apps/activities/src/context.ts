import type { DataSource } from 'typeorm';
import type { BaseContext } from '@crm/service';

export interface ActivitiesContext extends BaseContext {
  dataSource: DataSource;
}
