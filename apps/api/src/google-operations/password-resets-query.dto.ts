import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

/** The one listing the console needs: the resets a manager or admin could approve now. */
export class PasswordResetsQueryDto {
  @ApiProperty({ enum: ['awaiting_approval'], example: 'awaiting_approval' })
  @IsIn(['awaiting_approval'])
  status!: 'awaiting_approval';
}
