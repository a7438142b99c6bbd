import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateTicketCommentDto {
  @ApiProperty({ example: 'Called the user; the reset link arrived.', maxLength: 10000 })
  @IsString()
  @Length(1, 10000)
  body!: string;
}
