import { adfToText, textToAdf } from '../connectors/jira/adf';
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
