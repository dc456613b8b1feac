// Every socket event the server answers, each declared with its checks in its own module. The
// dispatcher refuses a table with an event missing, declared twice, or declared without checks.
import { updateAwareness } from './awareness';
import { deleteHandler, moveHandler, restoreHandler } from './deletion';
import { answerRfi, createComment, listNotifications, readNotifications } from './comments';
import { createDispatcher } from './dispatch';
import { exerciseAarReport, exerciseClock, exerciseInject, exerciseInjectAdd, exerciseInjectEdit, exerciseMsel, exerciseMselImport, exerciseObservations, exerciseObserve, exerciseReplay, exerciseStatus } from './exercise';
import { syncDocs, updateDoc } from './docs';
import { listHistory, restoreHistory, viewHistory } from './history';
import { createObject, remarkObject } from './objects';
import { refreshSession } from './refresh';
import { createTearline, decideRelease, listReleases, requestRelease, setReleasePolicy } from './release';
import { changeSettings, createSuggestion, decideSuggestion } from './suggestions';
import { joinWorkspace, leaveHandler, listObjects, viewAs } from './workspaces';

export const EVENTS = [
  joinWorkspace,
  listObjects,
  leaveHandler,
  viewAs,
  syncDocs,
  updateDoc,
  createObject,
  remarkObject,
  deleteHandler,
  restoreHandler,
  moveHandler,
  updateAwareness,
  refreshSession,
  requestRelease,
  decideRelease,
  listReleases,
  setReleasePolicy,
  createTearline,
  exerciseStatus,
  exerciseClock,
  exerciseInject,
  exerciseInjectAdd,
  exerciseInjectEdit,
  exerciseMsel,
  exerciseMselImport,
  exerciseReplay,
  exerciseObserve,
  exerciseObservations,
  exerciseAarReport,
  createComment,
  answerRfi,
  listNotifications,
  readNotifications,
  createSuggestion,
  decideSuggestion,
  changeSettings,
  listHistory,
  viewHistory,
  restoreHistory,
];

export const dispatch = createDispatcher(EVENTS);
