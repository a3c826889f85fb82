"""The read path compiled to SQL: one PostgreSQL statement per root field.

A root field (`exam`, `exams`) is compiled, after validation and the cost check, into one
statement that builds the JSON of the answer in PostgreSQL (`json_build_object` /
`json_agg`), with the viewer's row scopes (models/access.py) as predicates and parameters.
PostgreSQL's JSON text is spliced into the response as it is. Fields that need Python
(documents, verification, eligible students, history, ...) keep today's resolvers and are
joined in at their paths; root fields that are not compiled take today's path whole.

- `catalog`: which GraphQL types and fields map to which tables, columns and relations;
- `spelling`: scalars spelled in SQL exactly as Strawberry spells them;
- `compiler`: a selection to SQL and a plan of what Python still does;
- `roots`: the root fields compiled (`exam`, `exams`);
- `connections`: keyset-paginated connections in SQL, cursors as `resolvers/pagination.py`;
- `plan`: the compiled root field and its walk (guards' errors, fallback subtrees);
- `executor`: the cache of compiled statements and running them;
- `context`: the execution context that sends root fields here.
"""
