import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AUDIT_TABLE } from '../../lambda/adapters/audit-table-schema';

export interface AuditTableProps {
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
 * The audit records, keyed as `lambda/adapters/audit-table-schema.ts` says, in a table of their
 * own (docs/architecture.md, "Audit records"): its stream carries records only (new images), so
 * the publisher never sees a PAT item; DynamoDB's TTL deletes a record once its retention is over.
 * Secured like the PAT table: on-demand, AWS managed KMS key, point-in-time recovery, retained.
 */
export class AuditTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: AuditTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: AUDIT_TABLE.partitionKey.name, type: AttributeType.STRING },
      sortKey: { name: AUDIT_TABLE.sortKey.name, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType.NEW_IMAGE,
      timeToLiveAttribute: AUDIT_TABLE.ttlAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
    });
  }
}
