/**
 * The single DynamoDB table, created from functions/store/table.ts: the same key
 * attributes, indexes and TTL attribute the local runtime creates in DynamoDB Local.
 */
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableIndexes, tableKeys, ttlAttribute } from '#store/table.ts';
import type { StageConfig } from '../stage-config.ts';

export interface DataProps {
  config: StageConfig;
}

export class Data extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const { config } = props;

    this.table = new Table(this, 'Table', {
      tableName: config.prefix,
      partitionKey: { name: tableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableKeys.sortKey, type: AttributeType.STRING },
      // Traffic is spiky (submission deadlines, review windows) and small the rest of the year.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: config.isProd,
      removalPolicy: config.removalPolicy,
    });

    for (const index of tableIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
