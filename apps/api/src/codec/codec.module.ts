import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CodecSessionController } from './codec-session.controller';
import { CodecController } from './codec.controller';

@Module({ imports: [AuthModule], controllers: [CodecController, CodecSessionController] })
export class CodecModule {}
