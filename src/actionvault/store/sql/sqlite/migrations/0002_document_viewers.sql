-- Who may see a document: its role members, directly or through a group. Reads that return a
-- document only to those who may see it ask this view in the same statement.
CREATE VIEW document_viewers AS
SELECT document_id, member_id AS user_id FROM document_roles WHERE member_kind = 'user'
UNION ALL
SELECT r.document_id, m.user_id
FROM document_roles r JOIN group_members m ON m.group_id = r.member_id
WHERE r.member_kind = 'group';
