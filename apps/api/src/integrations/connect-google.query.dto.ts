import { ApiProperty } from '@nestjs/swagger';
import { IsFQDN, Length } from 'class-validator';

export class ConnectGoogleQueryDto {
  @ApiProperty({ example: 'acme.example', description: "The tenant's Google Workspace primary domain; only its users can be acted on" })
  @IsFQDN({}, { message: 'domain must be a domain name like acme.example' })
  @Length(3, 253)
  domain!: string;
}
