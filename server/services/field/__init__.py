"""The field side: tablets, sync pull and push, the chief's board and order lists."""
