import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { GoogleOperationRequestDto } from './google-operation-request.dto';

/** There is deliberately no field for change-at-next-login: it is always on. */
export class PasswordResetRequestDto extends GoogleOperationRequestDto {
  @ApiPropertyOptional({ default: false, example: true, description: 'Also end every session of the user' })
  @IsOptional()
  @IsBoolean()
  signOut: boolean = false;
}
