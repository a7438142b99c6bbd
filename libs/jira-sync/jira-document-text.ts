import { adfToText, textToAdf, withAttribution, withoutAttribution } from '../connectors/jira/adf';
import type { JiraDocument } from '../connectors/jira/jira-site.connector';

/**
 * The one door between ticket text and Jira's ADF documents (descriptions, comments): paragraphs, lists,
 * links and code blocks survive both ways (libs/connectors/jira/adf).
 */
export function textToJiraDocument(text: string): JiraDocument {
  return textToAdf(text) as unknown as JiraDocument;
}

export function jiraDocumentToText(document: unknown): string {
  return adfToText(document);
}

/** A comment for Jira that ends with the line naming its Custodian ticket (what a disconnect strips again). */
export function attributedJiraDocument(text: string, ticketRef: string): JiraDocument {
  return withAttribution(textToAdf(text), ticketRef) as unknown as JiraDocument;
}

/** The text of a comment the app wrote, without its attribution line. */
export function unattributedText(document: unknown): string {
  return adfToText(withoutAttribution(document).doc);
}
