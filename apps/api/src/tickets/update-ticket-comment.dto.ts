import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class UpdateTicketCommentDto {
  @ApiProperty({ description: "The comment's new text, replacing the old", example: 'Called the user; the reset link arrived at 10:05.', maxLength: 10000 })
  @IsString()
  @Length(1, 10000)
  body!: string;
}
