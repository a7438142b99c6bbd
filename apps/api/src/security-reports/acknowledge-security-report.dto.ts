import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class AcknowledgeSecurityReportDto {
  @ApiPropertyOptional({ maxLength: 2000, example: 'Thank you: we reproduced it and a fix is under way.', description: 'Added to the acknowledgement the reporter receives' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  message?: string;
}
