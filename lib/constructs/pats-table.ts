import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EXPIRY_INDEX, PATS_TABLE } from '../../lambda/adapters/pats-table-schema';

export interface PatsTableProps {
  /**
   * What happens to the table when it leaves the stack. Production stages retain it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether CloudFormation refuses to delete the table.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The PAT table, keyed as `lambda/adapters/pats-table-schema.ts` says, with secure defaults:
 * on-demand billing (no capacity to tune or throttle on), encryption with the AWS managed KMS key
 * (key use is visible in CloudTrail, and the function needs no KMS permission), and point-in-time
 * recovery. Safe defaults keep data: a stage must opt in to a destroyable table. The expiry index
 * lets the expiry job read only the PATs that are due.
 */
export class PatsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: PatsTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: PATS_TABLE.partitionKey.name, type: AttributeType.STRING },
      sortKey: { name: PATS_TABLE.sortKey.name, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: EXPIRY_INDEX.name,
      partitionKey: { name: EXPIRY_INDEX.partitionKey.name, type: AttributeType.STRING },
      sortKey: { name: EXPIRY_INDEX.sortKey.name, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...EXPIRY_INDEX.projected],
    });
  }
}
