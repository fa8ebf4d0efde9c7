/**
 * Entity types and identifiers that huntpack maps in analytics rules, from
 * the Azure-Sentinel content validation
 * (.script/tests/detectionTemplateSchemaValidation/Models/EntityMappingIdentifiers.cs).
 */

/** Identifiers each entity type accepts, and the sets of which one must be mapped. */
export interface EntityIdentifiers {
  identifiers: readonly string[]
  /** At least one of these sets must be mapped in full. */
  required: readonly (readonly string[])[]
}

export const ENTITY_IDENTIFIERS = {
  Account: {
    identifiers: [
      'Name',
      'FullName',
      'NTDomain',
      'DnsDomain',
      'UPNSuffix',
      'Sid',
      'AadTenantId',
      'AadUserId',
      'PUID',
      'IsDomainJoined',
      'DisplayName',
      'ObjectGuid',
    ],
    required: [
      ['FullName'],
      ['Sid'],
      ['Name'],
      ['AadUserId'],
      ['PUID'],
      ['ObjectGuid'],
    ],
  },
  IP: { identifiers: ['Address'], required: [['Address']] },
  Host: {
    identifiers: [
      'DnsDomain',
      'NTDomain',
      'HostName',
      'FullName',
      'NetBiosName',
      'AzureID',
      'OMSAgentID',
      'OSFamily',
      'OSVersion',
      'IsDomainJoined',
    ],
    required: [
      ['FullName'],
      ['HostName'],
      ['NetBiosName'],
      ['AzureID'],
      ['OMSAgentID'],
    ],
  },
  URL: { identifiers: ['Url'], required: [['Url']] },
  DNS: { identifiers: ['DomainName'], required: [['DomainName']] },
  FileHash: {
    identifiers: ['Algorithm', 'Value'],
    required: [['Algorithm', 'Value']],
  },
} as const satisfies Record<string, EntityIdentifiers>

export type EntityType = keyof typeof ENTITY_IDENTIFIERS

export const ENTITY_TYPES = Object.keys(ENTITY_IDENTIFIERS) as EntityType[]

/** One column of the query result mapped to one identifier of an entity. */
export interface FieldMapping {
  identifier: string
  columnName: string
}

/** One entity of an alert and the columns that identify it. */
export interface EntityMapping {
  entityType: EntityType
  fieldMappings: FieldMapping[]
}
