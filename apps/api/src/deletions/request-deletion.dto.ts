import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, Length } from 'class-validator';

export class RequestDeletionDto {
  @ApiProperty({
    example: 'jane@acme.example',
    description: "Who is asking: receives the notices (with the tenant's notice contacts) and the deletion certificate",
  })
  @IsEmail()
  @Length(3, 320)
  requesterEmail!: string;
}
