"""Reading a project's tests without running them: pytest's configuration (:mod:`.config`), what a
test module defines and what it may make at run time (:mod:`.modules`), and the ids of literal
``parametrize`` values (:mod:`.params`)."""
