"""A framework's directions and activity types as plain data: which direction each type counts towards.

Coverage (monitoring) and the справка (analysis) both read entries through these maps.
"""

from __future__ import annotations

from dataclasses import dataclass

from shnor.core.coverage import DirectionInfo, TypeInfo

from .models import ActivityType, Direction, TypeMapping


@dataclass
class FrameworkMaps:
    directions: list[DirectionInfo]
    types: list[TypeInfo]  # the types mapped into this framework
    type_code: dict[int, str]  # every activity type: id → code
    type_direction: dict[int, str | None]  # type id → code of its primary direction here
    direction_code: dict[int, str]  # direction id → code, this framework only

    def effective_direction(self, type_id: int | None, direction_id: int | None) -> str | None:
        # An explicit direction of this framework wins over the type's primary direction.
        if direction_id is not None and direction_id in self.direction_code:
            return self.direction_code[direction_id]
        return self.type_direction.get(type_id) if type_id is not None else None


def framework_maps(framework) -> FrameworkMaps:
    directions = list(Direction.objects.filter(framework=framework).order_by("order", "code"))
    direction_code = {d.pk: d.code for d in directions}
    primary: dict[int, int] = {}
    for type_id, direction_id, is_primary in TypeMapping.objects.filter(direction__framework=framework).values_list(
        "activity_type_id", "direction_id", "is_primary"
    ):
        if is_primary or type_id not in primary:
            primary[type_id] = direction_id
    types = list(ActivityType.objects.order_by("order", "code"))
    type_direction = {t.pk: direction_code.get(primary.get(t.pk)) for t in types}
    return FrameworkMaps(
        directions=[DirectionInfo(d.code, d.name) for d in directions],
        types=[TypeInfo(t.code, t.name, type_direction[t.pk], t.form) for t in types if t.pk in primary],
        type_code={t.pk: t.code for t in types},
        type_direction=type_direction,
        direction_code=direction_code,
    )
