"""`shnor worker`: the task queue's worker (django-tasks-db's `db_worker`, with its options: --batch, --max-tasks, …)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from shnor import background
from shnor.core.render import pdf


class Command(DatabaseWorker):
    help = ("Выполнять фоновые задачи: чтение загруженных документов, PDF выпущенных справок, напоминания. "
            "Запускается рядом с сайтом (make run делает это сам); в эксплуатации — отдельной службой")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=background.new_worker_id())

    def handle(self, *args, **options):
        lost = background.fail_lost_tasks()
        if lost:
            self.stdout.write(f"Задач, прерванных остановкой прежнего обработчика, отмечено как неудавшиеся: {lost}. "
                              "Их можно повторить кнопкой «Повторить» на странице.")
        pdf.remove_abandoned()  # the temporary files of a PDF conversion the previous worker was killed in
        super().handle(*args, **options)
