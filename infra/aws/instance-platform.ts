import { Stack } from 'aws-cdk-lib';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  GatewayVpcEndpointAwsService,
  type IMachineImage,
  type IVpc,
  LaunchTemplate,
  LaunchTemplateHttpTokens,
  OperatingSystemType,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  UserData,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import {
  CfnInstanceProfile,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ParameterValueType, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { INSTANCE_ROLE_PATH, instanceRoleName } from '../../contracts/instance-roles';
import { ownerInstanceGrants } from '../iam/instance-grants';
import { acknowledge, acknowledgeGrants } from './acknowledgements';

export interface InstancePlatformProps {
  readonly bucket: IBucket;
  /** An AMI id (`ami-…`) or the name of an SSM parameter holding one (resolved at deploy). */
  readonly ami: string;
  /** @default '/dev/sda1' (Ubuntu, as the Deep Learning AMI) */
  readonly rootDeviceName?: string;
  /** @default 200 */
  readonly rootVolumeGiB?: number;
  /** A range allowed to SSH in. @default - no inbound rule at all (Session Manager instead) */
  readonly sshCidr?: string | null;
  /** An existing VPC and the subnets to launch in. @default - a small VPC of public subnets, no NAT gateway */
  readonly network?: { readonly vpcId: string; readonly subnetIds: readonly string[] };
  /** The owners who may launch: each gets an instance role of their own. @default - none */
  readonly owners?: readonly string[];
}

/**
 * What every kismo instance starts from: a launch template (the image, IMDSv2 only, an encrypted
 * gp3 root volume, the security group), the network, and one instance role (with its instance
 * profile) per owner, which the launcher names at launch: it reads that owner's datasets and
 * manifests, writes their sessions' markers and outputs, publishes activity metrics in kismo's
 * namespace only, and lets Session Manager in. Nothing of any other owner.
 */
export class InstancePlatform extends Construct {
  readonly vpc: IVpc;
  readonly subnetIds: readonly string[];
  readonly securityGroup: SecurityGroup;
  /** Each owner's instance role, by owner. */
  readonly roles: ReadonlyMap<string, Role>;
  /** Matches every owner's instance role (for iam:PassRole at launch). */
  readonly roleArnPattern: string;
  readonly launchTemplate: LaunchTemplate;
  /** The AMI id (a deploy-time parameter when the image comes from SSM). */
  readonly imageId: string;

  constructor(scope: Construct, id: string, props: InstancePlatformProps) {
    super(scope, id);
    const { vpc, subnetIds } = this.network(props.network);
    this.vpc = vpc;
    this.subnetIds = subnetIds;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: props.sshCidr
        ? 'kismo instances: SSH from the configured range only'
        : 'kismo instances: no inbound traffic (connect with Session Manager)',
      allowAllOutbound: true,
    });
    if (props.sshCidr) {
      this.securityGroup.addIngressRule(
        Peer.ipv4(props.sshCidr),
        Port.tcp(22),
        'SSH from the configured range',
      );
    }

    const stack = Stack.of(this);
    const roles = new Map<string, Role>();
    for (const owner of props.owners ?? []) {
      const name = instanceRoleName(owner);
      const role = new Role(this, `Owner${pascalOf(owner)}`, {
        roleName: name,
        path: INSTANCE_ROLE_PATH,
        assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
        description: `kismo instances of ${owner}: their datasets, sessions' markers and outputs, activity`,
        managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
      });
      const grants = ownerInstanceGrants(owner, props.bucket.bucketArn);
      for (const grant of grants) role.addToPrincipalPolicy(PolicyStatement.fromJson(grant.statement));
      acknowledgeGrants(role, grants);
      acknowledge(role, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason:
          'Session Manager is how users reach instances without inbound SSH; AWS maintains the agent’s permissions in this policy',
      });
      new CfnInstanceProfile(this, `Owner${pascalOf(owner)}Profile`, {
        instanceProfileName: name,
        path: INSTANCE_ROLE_PATH,
        roles: [role.roleName],
      });
      roles.set(owner, role);
    }
    this.roles = roles;
    this.roleArnPattern = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `${INSTANCE_ROLE_PATH.slice(1)}*`,
    });

    this.imageId = resolveImageId(this, props.ami);
    const image: IMachineImage = {
      getImage: () => ({
        imageId: this.imageId,
        osType: OperatingSystemType.LINUX,
        userData: UserData.forLinux(),
      }),
    };
    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      versionDescription:
        'kismo instance: IMDSv2, encrypted gp3 root volume, no inbound unless SSH is configured',
      machineImage: image,
      securityGroup: this.securityGroup,
      httpEndpoint: true,
      httpTokens: LaunchTemplateHttpTokens.REQUIRED,
      // Two hops so that containers on the instance (Docker is on the Deep Learning AMI) reach IMDS.
      httpPutResponseHopLimit: 2,
      blockDevices: [
        {
          deviceName: props.rootDeviceName ?? '/dev/sda1',
          volume: BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 200, {
            volumeType: EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });
  }

  private network(given: InstancePlatformProps['network']): { vpc: IVpc; subnetIds: readonly string[] } {
    if (given) {
      const vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: given.vpcId,
        availabilityZones: Stack.of(this).availabilityZones,
      });
      return { vpc, subnetIds: given.subnetIds };
    }
    // Public subnets and no NAT gateway: an instance reaches S3 (through the free gateway
    // endpoint), Session Manager and package mirrors on its own public address, and its security
    // group lets nothing in. A NAT gateway would cost more than the rest of the control plane.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'instances', subnetType: SubnetType.PUBLIC, cidrMask: 20 }],
      gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
      restrictDefaultSecurityGroup: false,
    });
    acknowledge(vpc, {
      id: 'AwsSolutions-VPC7',
      reason:
        'the VPC holds only kismo instances, whose security group admits no inbound traffic; flow logs would cost more than they tell',
    });
    return { vpc, subnetIds: vpc.publicSubnets.map((s) => s.subnetId) };
  }
}

/** An AMI id as given, or the value of the SSM parameter that names it, resolved at deploy. */
function resolveImageId(scope: Construct, ami: string): string {
  if (ami.startsWith('ami-')) return ami;
  return StringParameter.valueForTypedStringParameterV2(scope, ami, ParameterValueType.AWS_EC2_IMAGE_ID);
}

/** `alice.smith@x` → `AliceSmithX`: an owner as part of a construct id. */
function pascalOf(owner: string): string {
  return owner
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
