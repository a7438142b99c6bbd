import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class ApproveNotificationsDto {
  @ApiPropertyOptional({ maxLength: 2000, example: 'The affected tenants could only be identified after the log review on day 4', description: 'Required after the 72-hour deadline unless a reason was given before (GDPR Art. 33(1))' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  delayReason?: string;
}
