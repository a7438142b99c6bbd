import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ACCESS_CHANGE_ACTIONS, type AccessChangeAction } from '../../../../libs/contracts';
import { GoogleOperationRequestDto } from './google-operation-request.dto';

export class AccessChangeRequestDto extends GoogleOperationRequestDto {
  @ApiProperty({ enum: ACCESS_CHANGE_ACTIONS, isArray: true, example: ['sign_out', 'revoke_app_access', 'suspend'], description: 'Carried out in this order' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(ACCESS_CHANGE_ACTIONS.length)
  @IsIn(ACCESS_CHANGE_ACTIONS, { each: true })
  actions!: AccessChangeAction[];
}
