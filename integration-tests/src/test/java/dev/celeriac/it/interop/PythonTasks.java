package dev.celeriac.it.interop;

import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Task;
import java.util.Map;

/** Tasks implemented by the Python Celery app in {@code src/test/python/interop_app.py}: stubs only. */
public interface PythonTasks {

  @Task(name = "interop.py_record", queue = "interop-py")
  void pyRecord(@Kwarg("n") long n, String label, @Extras Map<String, Object> extras);
}
