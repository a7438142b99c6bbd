import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, Validate } from 'class-validator';
import { CONTAINMENT_STATUSES, type AffectedTenantSelection, type ContainmentStatus } from '../../../../libs/contracts';
import { TenantSelectionConstraint } from './tenant-selection.validator';

/** Only the fields sent change; each change is audited with who made it. */
export class AssessIncidentDto {
  @ApiPropertyOptional({
    oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: { type: 'string', format: 'uuid' } }],
    description: '"all" resolves to every customer tenant at the moment this assessment arrives',
    example: 'all',
  })
  @IsOptional()
  @Validate(TenantSelectionConstraint)
  affectedTenants?: AffectedTenantSelection;

  @ApiPropertyOptional({ type: [String], example: ['contact details'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  dataCategories?: string[];

  @ApiPropertyOptional({ example: true, description: 'Whether the breach is likely to result in a risk to individuals' })
  @IsOptional()
  @IsBoolean()
  notifiable?: boolean;

  @ApiPropertyOptional({ enum: CONTAINMENT_STATUSES })
  @IsOptional()
  @IsIn(CONTAINMENT_STATUSES)
  containment?: ContainmentStatus;

  @ApiPropertyOptional({ minimum: 0, example: 120 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  approximateDataSubjects?: number;

  @ApiPropertyOptional({ minimum: 0, example: 480 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  approximateRecords?: number;

  @ApiPropertyOptional({ maxLength: 5000, example: 'Phishing aimed at the affected clients' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  likelyConsequences?: string;

  @ApiPropertyOptional({ maxLength: 5000, example: 'The report link was revoked and access logs were reviewed' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  measuresTaken?: string;
}
