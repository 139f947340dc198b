import { awsHandler } from '../kit/aws-runtime';
import service from './service';

export const handler = awsHandler(service);
