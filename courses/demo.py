"""Demo content of the courses app: the catalog under the home page and three published
Vietnamese courses with modules and lessons, the demo video lecture and the demo quiz.
Idempotent: a course whose slug exists is left as it is.

Runs after the people, media and assessments seeders (it uses the demo trainer, the
demo lecture and the demo quiz when they exist).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.demo import QUIZ_TITLE
from assessments.models import Quiz
from lms.models import HomePage
from media_pipeline.demo import DEMO_TITLE
from media_pipeline.models import Video
from people.models import Category

from .models import CatalogPage, CourseAudience, CoursePage, EnrolmentPolicy, LessonPage, Modality, ModulePage, Topic
from .services import catalog_ensure

VBPL = "https://vbpl.vn/"

# (slug, title, summary, topic, modality, hours, audience, owner username, objectives,
#  [(module title, [(lesson title, summary, text, citation or None)])])
COURSES = [
    ("chuyen-doi-so-pbgdpl", "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật",
     "Ứng dụng công nghệ số, mạng xã hội và nền tảng trực tuyến để đưa pháp luật đến với người dân, "
     "theo Kế hoạch chuyển đổi số trong công tác PBGDPL giai đoạn 2025–2030.",
     Topic.DIGITAL_TRANSFORMATION, Modality.ONLINE, 6,
     [Category.CBCCVC, Category.LEGAL_REPORTER, Category.LEGAL_PROPAGANDIST], "giangvien",
     "<ul><li>Hiểu mục tiêu chuyển đổi số trong công tác PBGDPL.</li>"
     "<li>Sử dụng được các công cụ số để tuyên truyền pháp luật.</li></ul>",
     [("Tổng quan về chuyển đổi số", [
         ("Vì sao phải chuyển đổi số trong PBGDPL?",
          "Bối cảnh, mục tiêu và chỉ tiêu của kế hoạch giai đoạn 2025–2030.",
          "<p>Chuyển đổi số giúp thông tin pháp luật đến với người dân nhanh hơn, đúng đối tượng hơn "
          "và tiết kiệm chi phí tổ chức.</p>",
          ("Quyết định số 766/QĐ-TTg", "Mục II", "Phê duyệt Đề án chuyển đổi số trong công tác phổ biến, "
                                                 "giáo dục pháp luật giai đoạn 2025–2030.")),
         ("Các nền tảng số phục vụ PBGDPL",
          "Cổng Pháp luật quốc gia, trang thông tin điện tử, mạng xã hội và ứng dụng di động.",
          "<p>Mỗi nền tảng phù hợp với một nhóm đối tượng: người trẻ dùng mạng xã hội, cán bộ dùng "
          "cổng thông tin, người dân vùng sâu dùng loa truyền thanh thông minh.</p>", None),
     ]),
      ("Kỹ năng số cho người làm công tác PBGDPL", [
          ("Sản xuất nội dung pháp luật dạng số",
           "Video ngắn, đồ họa thông tin, sách nói và bài viết dễ hiểu.",
           "<p>Một thông điệp pháp luật tốt ngắn gọn, có ví dụ gần gũi và chỉ rõ người dân cần làm gì.</p>",
           None),
          ("An toàn thông tin khi tuyên truyền trực tuyến",
           "Bảo vệ tài khoản, dữ liệu cá nhân và xử lý thông tin sai lệch.",
           "<p>Bật xác thực hai bước cho mọi tài khoản quản trị và không chia sẻ dữ liệu cá nhân của người "
           "dân khi chưa có sự đồng ý.</p>",
           ("Luật An ninh mạng số 24/2018/QH14", "Điều 8", "Các hành vi bị nghiêm cấm về an ninh mạng.")),
      ])]),
    ("ky-nang-thuyet-trinh-bao-cao-vien", "Kỹ năng thuyết trình dành cho báo cáo viên pháp luật",
     "Chuẩn bị bài nói, làm chủ hội trường và trả lời câu hỏi của người nghe khi phổ biến pháp luật.",
     Topic.LEGAL_REPORTER_SKILLS, Modality.BLENDED, 8, [Category.LEGAL_REPORTER, Category.LEGAL_PROPAGANDIST],
     "giangvien",
     "<ul><li>Xây dựng được dàn ý bài giới thiệu văn bản pháp luật.</li>"
     "<li>Tự tin trình bày trước hội nghị và trả lời câu hỏi.</li></ul>",
     [("Chuẩn bị bài nói", [
         ("Phân tích người nghe",
          "Biết người nghe là ai để chọn nội dung và ví dụ phù hợp.",
          "<p>Trước buổi phổ biến, hãy tìm hiểu độ tuổi, nghề nghiệp và những vướng mắc pháp luật thường "
          "gặp của người nghe.</p>",
          ("Luật Phổ biến, giáo dục pháp luật số 14/2012/QH13", "Điều 35",
           "Tiêu chuẩn, nhiệm vụ của báo cáo viên pháp luật.")),
         ("Xây dựng dàn ý và tài liệu",
          "Mở bài, thân bài, kết luận và tài liệu phát tay.",
          "<p>Mỗi phần chỉ nên có một ý chính; tài liệu phát tay tóm tắt quyền và nghĩa vụ của người dân.</p>",
          None),
     ]),
      ("Trình bày và tương tác", [
          ("Giọng nói, ánh mắt và cử chỉ",
           "Những kỹ năng giúp bài nói thuyết phục hơn.",
           "<p>Nói chậm, rõ; nhìn về nhiều phía của hội trường; dùng cử chỉ để nhấn mạnh ý chính.</p>", None),
          ("Trả lời câu hỏi khó",
           "Bình tĩnh, trung thực và dẫn đúng quy định.",
           "<p>Khi chưa chắc chắn, hãy ghi nhận câu hỏi và hẹn trả lời sau khi tra cứu văn bản.</p>", None),
      ])]),
    ("hoa-giai-o-co-so", "Hòa giải ở cơ sở: quy trình và kỹ năng",
     "Quy trình hòa giải, kỹ năng lắng nghe và thuyết phục, giúp hòa giải viên giải quyết mâu thuẫn "
     "trong cộng đồng dân cư.",
     Topic.GRASSROOTS_MEDIATION, Modality.ONLINE, 5, [Category.GRASSROOTS_MEDIATOR], "sotuphap.admin",
     "<ul><li>Nắm được nguyên tắc và quy trình hòa giải ở cơ sở.</li>"
     "<li>Vận dụng kỹ năng lắng nghe, thuyết phục trong hòa giải.</li></ul>",
     [("Pháp luật về hòa giải ở cơ sở", [
         ("Nguyên tắc hòa giải ở cơ sở",
          "Tôn trọng sự tự nguyện, khách quan, công bằng và bảo vệ bí mật của các bên.",
          "<p>Hòa giải viên không ép buộc các bên; mọi thỏa thuận phải xuất phát từ sự tự nguyện.</p>",
          ("Luật Hòa giải ở cơ sở số 35/2013/QH13", "Điều 4", "Nguyên tắc tổ chức, hoạt động hòa giải ở cơ sở.")),
         ("Quy trình một cuộc hòa giải",
          "Từ tiếp nhận vụ việc đến lập văn bản hòa giải thành.",
          "<p>Tiếp nhận, tìm hiểu vụ việc, tổ chức hòa giải, lập biên bản và theo dõi việc thực hiện "
          "thỏa thuận.</p>", None),
     ]),
      ("Kỹ năng hòa giải", [
          ("Lắng nghe và đặt câu hỏi",
           "Giúp các bên nói ra điều họ thực sự cần.",
           "<p>Lắng nghe không ngắt lời, tóm tắt lại ý của từng bên và hỏi câu hỏi mở.</p>", None),
      ])]),
    # held in person only: no lessons, completed through attendance at its class (enrollment.demo)
    ("hoi-nghi-pho-bien-luat-moi-2026", "Hội nghị phổ biến các luật mới năm 2026",
     "Giới thiệu những điểm mới của các luật có hiệu lực năm 2026 cho cán bộ, công chức cấp xã, "
     "tổ chức trực tiếp tại hội trường UBND xã.",
     Topic.LAW_KNOWLEDGE, Modality.IN_PERSON, 4,
     [Category.CBCCVC, Category.LEGAL_REPORTER, Category.LEGAL_PROPAGANDIST, Category.GRASSROOTS_MEDIATOR],
     "sotuphap.admin",
     "<ul><li>Nắm được những điểm mới của các luật có hiệu lực năm 2026.</li>"
     "<li>Áp dụng đúng các quy định mới trong công việc tại cơ sở.</li></ul>",
     []),
]


def _publish(parent, page, owner):
    page.owner = owner
    page.live = False
    parent.add_child(instance=page)
    page.save_revision(user=owner).publish()  # the demo skips the approval workflow
    return page


def _lesson_body(text, citation, video, quiz):
    body = [("text", text)]
    if video is not None:
        body.insert(0, ("video", video))
    if citation:
        document, article, quotation = citation
        body.append(("legal_citation", {"document": document, "article": article, "quotation": quotation,
                                        "url": VBPL}))
    if quiz is not None:
        body.append(("callout", {"kind": "tip", "text": "<p>Hãy làm bài kiểm tra dưới đây để củng cố kiến thức."
                                                        "</p>"}))
        body.append(("quiz", {"quiz": quiz, "intro": "Bài kiểm tra cuối khóa.", "must_pass": True}))
    return body


@transaction.atomic
def seed_courses() -> CatalogPage:
    """The demo catalog and its three courses (created once)."""
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in={course[7] for course in COURSES})}
    catalog = catalog_ensure(parent=HomePage.objects.get(), title="Khóa học", slug="khoa-hoc",
                             intro="Các khóa bồi dưỡng trực tuyến dành cho người làm công tác phổ biến, "
                                   "giáo dục pháp luật, hòa giải viên và người dân.")
    video = Video.objects.filter(title=DEMO_TITLE, status=Video.Status.READY).first()
    quiz = Quiz.objects.filter(title=QUIZ_TITLE).first() or Quiz.objects.first()
    existing = set(CoursePage.objects.child_of(catalog).values_list("slug", flat=True))
    for slug, title, summary, topic, modality, hours, audience, owner_name, objectives, modules in COURSES:
        if slug in existing:
            continue
        owner = users.get(owner_name)
        course = _publish(catalog, CoursePage(
            title=title, slug=slug, summary=summary, topic=topic, modality=modality, estimated_hours=hours,
            # held in person: people take part through the class their unit places them in
            enrolment_policy=EnrolmentPolicy.ASSIGNED if modality == Modality.IN_PERSON else EnrolmentPolicy.OPEN,
            objectives=objectives, audiences=[CourseAudience(category=category) for category in audience],
            trainers=[owner] if owner is not None and owner_name == "giangvien" else [],
        ), owner)
        lessons = [lesson for _module_title, module_lessons in modules for lesson in module_lessons]
        last_lesson = lessons[-1] if lessons else None
        for module_number, (module_title, module_lessons) in enumerate(modules, start=1):
            module = _publish(course, ModulePage(title=module_title, slug=f"hoc-phan-{module_number}"), owner)
            for lesson_number, lesson in enumerate(module_lessons, start=1):
                lesson_title, lesson_summary, text, citation = lesson
                first = module_number == 1 and lesson_number == 1
                _publish(module, LessonPage(
                    title=lesson_title, slug=f"bai-{lesson_number}", summary=lesson_summary, estimated_minutes=15,
                    body=_lesson_body(text, citation, video if first else None,
                                      quiz if lesson is last_lesson else None),
                ), owner)
    return catalog
