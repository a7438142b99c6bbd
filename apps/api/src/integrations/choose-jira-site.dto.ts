import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChooseJiraSiteDto {
  @ApiProperty({ example: '1324a887-45db-1bf4-1e99-ef0ff456d421', description: 'The cloudId of one of the sites the grant reaches (availableSites)' })
  @IsString()
  @Length(1, 100)
  cloudId!: string;
}
