"""nbgrader settings for the course: edit labs in solutions/, students get the versions in labs/."""
c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "keras-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "labs"

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Labs train small models; under nbgrader (NBGRADER_EXECUTION is set) they run in fast mode.
# The default 30 s per cell leaves too little headroom for a cold TensorFlow start on 2 CPUs.
c.Execute.timeout = 120
